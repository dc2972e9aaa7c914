"""POST /api/events/ limits: too many items or bytes -> 413 JSON naming both limits; a body that isn't a batch -> a clear 400."""
import json

import pytest

from emotions.models import EmotionEvent
from tests.analytics.test_it_api_ingest import item
from tests.analytics.web_fixtures import museum, staff_api  # noqa: F401


def _nothing_stored():
    return not EmotionEvent.objects.filter(source=EmotionEvent.Source.API).exists()


@pytest.mark.django_db
def test_it_answers_too_many_items_with_413_naming_the_limits(staff_api, museum, settings):
    settings.INGEST_MAX_ITEMS = 50
    response = staff_api.post("/api/events/", {"events": [item(n % 60) for n in range(51)]}, format="json")
    assert response.status_code == 413
    body = response.json()
    assert (body["max_items"], body["max_bytes"], body["received_items"]) == (50, settings.INGEST_MAX_BYTES, 51)
    assert "at most 50 items" in body["detail"] and f"{settings.INGEST_MAX_BYTES} bytes" in body["detail"]
    assert _nothing_stored()


@pytest.mark.django_db
def test_it_answers_too_many_bytes_with_413_before_reading_them(staff_api, museum, settings):
    settings.INGEST_MAX_BYTES = 10_000
    payload = json.dumps({"events": [item(n % 60, id=f"big-{n}") for n in range(100)]})
    response = staff_api.post("/api/events/", payload, content_type="application/json")
    assert response.status_code == 413
    body = response.json()
    assert (body["max_bytes"], body["received_bytes"]) == (10_000, len(payload))
    assert "at most 10000 bytes" in body["detail"]
    assert _nothing_stored()


@pytest.mark.django_db
def test_it_answers_100000_items_with_json_not_djangos_html(staff_api, museum):
    # ~16 MB: beyond both default limits and Django's own 2.5 MB upload limit.
    payload = json.dumps([item(n % 60, id=f"edge-{n}") for n in range(100_000)])
    response = staff_api.post("/api/events/", payload, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["max_items"] == 10_000
    assert _nothing_stored()


@pytest.mark.django_db
def test_it_takes_a_full_batch_within_the_default_limits(staff_api, museum):
    batch = [{**item(n % 60), "id": f"full-{n}", "scores": {"happy": 0.8, "sad": 0.1}} for n in range(10_000)]
    payload = json.dumps(batch)
    assert len(payload) < 8 * 1024 * 1024
    response = staff_api.post("/api/events/", payload, content_type="application/json")
    assert response.status_code == 201, response.content[:500]
    assert response.json()["created"] == 10_000


@pytest.mark.django_db
def test_it_takes_json_only(staff_api, museum):
    response = staff_api.post("/api/events/", {"events": "x"}, format="multipart")
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"events": "nope"}, "'events' must be a list of event objects, got a string"),
        ({"events": None}, "'events' must be a list of event objects, got null"),
        ({"nothing": []}, "unknown key(s) 'nothing'"),
        ("text", 'the body must be a list of events or an object {"events": [...]}, got a string'),
        (42, "got a number"),
    ],
)
def test_it_says_what_is_wrong_with_a_body_that_is_not_a_batch(staff_api, museum, payload, says):
    response = staff_api.post("/api/events/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Not a batch of events") and "of 0 events" not in body["detail"]
    assert says in body["errors"][0]["errors"]["events"]
    assert body["errors"][0]["index"] is None


@pytest.mark.django_db
def test_it_answers_any_write_over_djangos_upload_limit_with_413_json(staff_api, museum, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = staff_api.patch(
        f"/api/locations/{museum.hall.pk}/", {"description": "x" * 2000}, format="json"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1000 bytes."}
