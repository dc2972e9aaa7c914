"""POST /api/visits/: validated, all-or-nothing with every bad item listed, idempotent by client id
(a known id is set to what was sent: a visit grows while its visitor stays), bounded like events."""
import pytest

from emotions.models import EmotionEvent, Visit
from tests.analytics.web_fixtures import museum, staff_api  # noqa: F401


def visit(n: int, **overrides) -> dict:
    base = {"id": f"edge-v-{n}", "started_at": f"2026-11-20T15:00:{n:02d}+01:00",
            "ended_at": f"2026-11-20T15:01:{n:02d}+01:00", "location": "Exhibit Hall A", "dominant_emotion": "Happy",
            "mean_scores": {"happy": 0.7, "sad": 0.3}, "frames_classified": 12, "track_id": f"t-{n}"}
    return {**base, **overrides}


def api_visits() -> dict[str, Visit]:
    return {v.visit_key: v for v in Visit.objects.filter(visit_key__startswith="api:")}


@pytest.mark.django_db
def test_it_stores_visits_and_the_events_that_name_them(staff_api, museum):  # noqa: F811
    batch = [visit(1), visit(2, location=None, camera=museum.cam_entrance.pk, dwell_seconds=30.5)]
    del batch[1]["location"]
    response = staff_api.post("/api/visits/", {"visits": batch}, format="json")
    assert response.status_code == 201 and response.json() == {"received": 2, "created": 2, "updated": 0}
    stored = api_visits()
    first, second = stored["api:edge-v-1"], stored["api:edge-v-2"]
    assert (first.dwell_seconds, first.dominant_emotion, first.location, first.camera) == (60.0, "happy", museum.hall, None)
    assert (second.camera, second.exhibit, second.dwell_seconds) == (museum.cam_entrance, museum.welcome_wall, 30.5)

    event = {"id": "edge-e-1", "timestamp": "2026-11-20T15:00:30+01:00", "emotion": "happy", "confidence": 0.9,
             "location": "Exhibit Hall A", "visit": "edge-v-1"}
    assert staff_api.post("/api/events/", [event], format="json").status_code == 201
    assert EmotionEvent.objects.get(event_key="api:edge-e-1").visit == first


@pytest.mark.django_db
def test_it_updates_a_known_visit_and_adds_nothing_when_sent_again(staff_api, museum):  # noqa: F811
    staff_api.post("/api/visits/", [visit(1)], format="json")
    grown = visit(1, ended_at="2026-11-20T15:02:01+01:00", dominant_emotion="sad", frames_classified=20)
    for _ in range(2):
        response = staff_api.post("/api/visits/", [grown], format="json")
        assert response.status_code == 200 and response.json() == {"received": 1, "created": 0, "updated": 1}
    stored = api_visits()
    assert len(stored) == 1
    assert (stored["api:edge-v-1"].dwell_seconds, stored["api:edge-v-1"].dominant_emotion) == (120.0, "sad")


@pytest.mark.django_db
def test_it_rejects_the_whole_batch_listing_every_bad_item(staff_api, museum):  # noqa: F811
    batch = [
        visit(1),
        visit(2, ended_at="2026-11-20T14:00:00+01:00"),
        visit(3, dominant_emotion="bored", frames_classified=-1),
        visit(4, dwell_seconds=500),
        visit(5, camera=999999),
        visit(6, location="Nowhere", colour="red", model_version=999999),
        visit(1),
        "not an object",
    ]
    response = staff_api.post("/api/visits/", batch, format="json")
    assert response.status_code == 400
    errors = {p["index"]: p["errors"] for p in response.json()["errors"]}
    assert set(errors) == {1, 2, 3, 4, 5, 6, 7}
    assert "before started_at" in errors[1]["ended_at"]
    assert set(errors[2]) == {"dominant_emotion", "frames_classified"}
    assert "longer than the visit" in errors[3]["dwell_seconds"]
    assert "no camera" in errors[4]["camera"] and "unknown field" in errors[5]["colour"]
    assert errors[5]["model_version"] == "no model version with id 999999"
    assert "repeats the id of item 0" in errors[6]["id"] and errors[7] == {"item": "must be a JSON object"}
    assert "7 of 8 visits are invalid; nothing was stored" == response.json()["detail"]
    assert not api_visits()

    event = {"id": "e-x", "timestamp": "2026-11-20T15:00:30+01:00", "emotion": "happy", "confidence": 0.9,
             "location": "Exhibit Hall A", "visit": "never-sent"}
    response = staff_api.post("/api/events/", [event], format="json")
    assert response.status_code == 400 and "send it to /api/visits/ first" in str(response.json())


@pytest.mark.django_db
def test_it_refuses_other_shapes_and_too_many_visits(staff_api, settings):
    response = staff_api.post("/api/visits/", {"events": []}, format="json")
    assert response.status_code == 400 and "the object holds only 'visits'" in response.json()["detail"]
    settings.INGEST_MAX_ITEMS = 2
    response = staff_api.post("/api/visits/", [visit(n) for n in range(3)], format="json")
    assert response.status_code == 413 and response.json()["max_items"] == 2
    assert "3 visits in one request" in response.json()["detail"]
