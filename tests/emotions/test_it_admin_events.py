"""Staff browse events read-only and export them as emotion_log.csv; outsiders get nowhere."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from emotions.models import EmotionEvent
from tests.factories import CameraFactory, EmotionEventFactory, LocationFactory

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def events():
    cafe, hall = LocationFactory(name="Cafe"), LocationFactory(name="Exhibit Hall A")
    camera = CameraFactory(name="hall-cam", location=hall)
    return [
        EmotionEventFactory(timestamp=datetime(2025, 10, 26, 1, 59, 59, 999000, tzinfo=ROME), location=cafe,
                            emotion="happy", confidence=0.8734512329101562),
        EmotionEventFactory(timestamp=datetime(2025, 11, 25, 14, 3, 7, 412000, tzinfo=ROME), location=hall,
                            camera=camera, emotion="sad", confidence=0.6),
    ]


def test_it_lists_events_with_date_drilldown_filters_and_search(staff_client, events):
    url = reverse("admin:emotions_emotionevent_changelist")

    def listed(params=None) -> list:
        page = staff_client.get(url, params or {})
        assert page.status_code == 200
        return list(page.context["cl"].result_list)

    assert listed() == [events[1], events[0]]  # newest first
    assert listed({"timestamp__year": "2025", "timestamp__month": "11"}) == [events[1]]
    assert listed({"emotion__exact": "happy"}) == [events[0]]
    assert listed({"location__id__exact": events[1].location_id}) == [events[1]]
    assert listed({"source__exact": "camera"}) == events[::-1]
    assert listed({"q": "hall-cam"}) == [events[1]]


def test_it_shows_an_event_but_never_changes_adds_or_deletes_one(staff_client, events):
    event = events[0]
    view = staff_client.get(reverse("admin:emotions_emotionevent_change", args=[event.pk]))
    assert view.status_code == 200 and b'name="_save"' not in view.content
    posted = staff_client.post(reverse("admin:emotions_emotionevent_change", args=[event.pk]),
                               {"emotion": "sad", "confidence": "0.1"})
    assert posted.status_code == 403
    assert staff_client.get(reverse("admin:emotions_emotionevent_add")).status_code == 403
    assert staff_client.post(reverse("admin:emotions_emotionevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert (event.emotion, EmotionEvent.objects.count()) == ("happy", 2)


def test_it_exports_the_selected_events_as_emotion_log_csv(staff_client, events):
    response = staff_client.post(
        reverse("admin:emotions_emotionevent_changelist"),
        {"action": "export_emotion_log", "_selected_action": [e.pk for e in events]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="emotion_log.csv"'
    assert b"".join(response.streaming_content).decode() == (
        "Timestamp,CameraLocation,Emotion,Confidence\n"
        "2025-10-26 01:59:59.999,Cafe,Happy,0.8734512329101562\n"
        "2025-11-25 14:03:07.412,Exhibit Hall A,Sad,0.6\n"
    )


def test_it_exports_only_what_was_selected(staff_client, events):
    response = staff_client.post(
        reverse("admin:emotions_emotionevent_changelist"),
        {"action": "export_emotion_log", "_selected_action": [events[1].pk]},
    )
    assert b"".join(response.streaming_content).decode().count("\n") == 2


def test_it_keeps_outsiders_out(client, django_user_model, events):
    url = reverse("admin:emotions_emotionevent_changelist")
    assert client.get(url).status_code == 302
    client.force_login(django_user_model.objects.create_user(username="guide", password="pw-12345678", is_staff=True))
    assert client.get(url).status_code == 403
    exported = client.post(url, {"action": "export_emotion_log", "_selected_action": [events[0].pk]})
    assert exported.status_code == 403
