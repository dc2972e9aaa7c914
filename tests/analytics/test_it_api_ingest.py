"""POST /api/events/: validated, idempotent by client id, all-or-nothing with every bad item listed."""
import pytest

from emotions.models import EmotionEvent
from tests.analytics.web_fixtures import museum, staff_api  # noqa: F401


def item(n: int, **overrides) -> dict:
    base = {
        "id": f"edge-1-{n:04d}", "timestamp": f"2026-11-20T15:00:{n:02d}.125+01:00",
        "location": "Exhibit Hall A", "emotion": "Happy", "confidence": 0.8,
    }
    return {**base, **overrides}


@pytest.mark.django_db
def test_it_stores_a_valid_batch(staff_api, museum):
    batch = [
        item(1),
        item(2, emotion="sad", scores={"sad": 0.7, "happy": 0.1}, track_id="track-9"),
        item(3, location=None, camera=museum.cam_entrance.pk, timestamp="2026-11-20 15:00:03"),
    ]
    del batch[2]["location"]
    response = staff_api.post("/api/events/", {"events": batch}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"received": 3, "created": 3, "duplicates": 0}
    stored = {e.event_key: e for e in EmotionEvent.objects.filter(source=EmotionEvent.Source.API)}
    assert set(stored) == {"api:edge-1-0001", "api:edge-1-0002", "api:edge-1-0003"}
    sad = stored["api:edge-1-0002"]
    assert (sad.emotion, sad.scores, sad.track_id, sad.location.name) == ("sad", {"sad": 0.7, "happy": 0.1}, "track-9", "Exhibit Hall A")
    from_camera = stored["api:edge-1-0003"]
    # A camera gives its location and the exhibit it faces; a naive time is local.
    assert (from_camera.location_id, from_camera.exhibit_id) == (museum.entrance.pk, museum.welcome_wall.pk)
    assert from_camera.timestamp.isoformat() == "2026-11-20T14:00:03+00:00"


@pytest.mark.django_db
def test_it_adds_nothing_when_a_batch_is_sent_again(staff_api, museum):
    batch = [item(n) for n in range(5)]
    assert staff_api.post("/api/events/", batch, format="json").status_code == 201  # a bare list works too
    before = EmotionEvent.objects.count()
    again = staff_api.post("/api/events/", {"events": batch + [item(7)]}, format="json")
    assert again.status_code == 201
    assert again.json() == {"received": 6, "created": 1, "duplicates": 5}
    assert EmotionEvent.objects.count() == before + 1
    only_old = staff_api.post("/api/events/", {"events": batch}, format="json")
    assert (only_old.status_code, only_old.json()["created"]) == (200, 0)


@pytest.mark.django_db
def test_it_rejects_the_whole_batch_and_lists_each_bad_item(staff_api, museum):
    before = EmotionEvent.objects.count()
    batch = [
        item(0),
        item(1, confidence=1.5),
        item(2, emotion="bored", timestamp="yesterday"),
        item(3, location="Nowhere"),
        item(4),
        item(5, id="edge-1-0004"),  # repeats item 4's id
        "not an object",
        item(7, camera=museum.cam_entrance.pk),  # camera is at the entrance, not in Hall A
        item(8, exhibit=museum.welcome_wall.pk),  # exhibit in another location
        {**item(9), "confidance": 0.9},  # unknown field
        item(10, timestamp="2099-01-01T00:00:00Z"),
    ]
    del batch[0]["id"]
    response = staff_api.post("/api/events/", {"events": batch}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "10 of 11 events are invalid; nothing was stored"
    problems = {p["index"]: p for p in body["errors"]}
    assert sorted(problems) == [0, 1, 2, 3, 5, 6, 7, 8, 9, 10]
    assert problems[0]["errors"] == {"id": "is required"}
    assert "between 0 and 1" in problems[1]["errors"]["confidence"]
    assert set(problems[2]["errors"]) == {"emotion", "timestamp"}
    assert "no location named 'Nowhere'" in problems[3]["errors"]["location"]
    assert problems[5] == {"index": 5, "id": "edge-1-0004", "errors": {"id": "repeats the id of item 4"}}
    assert problems[6]["errors"] == {"item": "must be a JSON object"}
    assert "Museum Entrance" in problems[7]["errors"]["location"]
    assert "is not in 'Exhibit Hall A'" in problems[8]["errors"]["exhibit"]
    assert "unknown field" in problems[9]["errors"]["confidance"]
    assert "ahead of the server's clock (MAX_CLOCK_SKEW_SECONDS)" in problems[10]["errors"]["timestamp"]
    assert EmotionEvent.objects.count() == before


@pytest.mark.django_db
def test_it_answers_malformed_json_with_400(staff_api, museum):
    response = staff_api.post("/api/events/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert "JSON parse error" in response.json()["errors"][0]["errors"]["events"]
