"""Retention: purge_expired deletes events and visits past their retention, and every report
total, series, breakdown, the estimated true mix and the legacy summary JSON stay exactly what they were (rollups),
on SQLite and PostgreSQL, at the thresholds the reports offer."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.core.management import call_command

from analytics.legacy_summary import emotion_summary
from analytics.selectors.corrected_mix import corrected_emotion_mix
from analytics.selectors.exhibits import exhibit_engagement
from analytics.selectors.locations import location_stats
from analytics.selectors.series import emotion_daily_series, emotion_hourly_series
from analytics.selectors.summary import legacy_summary
from emotions.filters import EventFilter
from emotions.labels import EMOTIONS
from emotions.models import AuditEntry, EmotionEvent, EventRollup, Visit, VisitRollup
from emotions.services.retention import expired_purge
from tests.factories import CameraFactory, ExhibitFactory, LocationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=dt_timezone.utc)
CONFIDENCES = [0.0, 0.05, 0.3, 0.55, 0.6, 0.6000001, 0.61, 0.65, 0.7, 0.95, 0.99, 1.0]


def _museum():
    """Events and visits over the last ~14 months: cameras with exhibits, and imported rows."""
    rng = random.Random(5)
    hall, entrance = LocationFactory(name="Exhibit Hall A"), LocationFactory(name="Museum Entrance")
    exhibit = ExhibitFactory(location=hall, title="Venus")
    cameras = [CameraFactory(location=hall, exhibit=exhibit), CameraFactory(location=entrance)]
    events, visits = [], []
    for day in range(0, 420, 3):
        for n in range(rng.randint(1, 6)):
            camera = rng.choice(cameras)
            start = NOW - timedelta(days=day, hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
            visit = Visit(camera=camera, location=camera.location, exhibit=camera.exhibit, track_id=f"t{day}-{n}",
                          started_at=start, ended_at=start + timedelta(seconds=8), dwell_seconds=rng.uniform(1, 30),
                          mean_scores={}, dominant_emotion=rng.choice(EMOTIONS), visit_key=uuid.uuid4().hex)
            visits.append(visit)
            for k in range(rng.randint(1, 5)):
                events.append(EmotionEvent(
                    timestamp=start + timedelta(seconds=k // 2),  # equal timestamps: ties broken by id
                    location=camera.location, camera=camera, exhibit=camera.exhibit, emotion=rng.choice(EMOTIONS),
                    confidence=rng.choice(CONFIDENCES), track_id=visit.track_id, visit=visit,
                    event_key=uuid.uuid4().hex))
        # imported rows: no camera, no visit
        events.append(EmotionEvent(timestamp=NOW - timedelta(days=day, hours=5), location=entrance,
                                   emotion=rng.choice(EMOTIONS), confidence=rng.choice(CONFIDENCES),
                                   source="import", event_key=uuid.uuid4().hex))
    Visit.objects.bulk_create(visits)
    for event in events:
        event.visit_id = event.visit.pk if event.visit else None
    EmotionEvent.objects.bulk_create(events)
    return hall, exhibit, cameras


def _everything(hall, exhibit, cameras) -> dict:
    day = lambda d: datetime(2026, 6, d, tzinfo=dt_timezone(timedelta(hours=2)))  # noqa: E731 - local days
    filters = [EventFilter(), EventFilter(location="Exhibit Hall A"), EventFilter(exhibit_id=exhibit.pk),
               EventFilter(camera_id=cameras[1].pk), EventFilter(since=day(1), until=day(20)),
               EventFilter(since=day(1), until=day(20), location_id=hall.pk)]
    result = {}
    for i, event_filter in enumerate(filters):
        for threshold in (0.6, 0.0, 0.35, 0.95, 1.0):
            args = {"event_filter": event_filter, "threshold": threshold}
            result[(i, threshold)] = {
                "summary": legacy_summary(**args), "summary_from_events": emotion_summary(**args),
                "daily": emotion_daily_series(**args),
                # The hourly series covers at most 93 days (longer spans are a 400).
                "hourly": emotion_hourly_series(**args) if event_filter.since else None,
                "locations": location_stats(**args), "exhibits": exhibit_engagement(**args),
            }
        # Every detection, whatever the threshold: purged ones from the rollups.
        result[(i, "corrected_mix")] = corrected_emotion_mix(event_filter=event_filter)
    return result


def test_purge_keeps_every_total_and_the_summary_json(settings):
    settings.RETENTION_EVENTS_DAYS, settings.RETENTION_VISITS_DAYS = 90, 365
    places = _museum()
    before = _everything(*places)
    events_before, visits_before = EmotionEvent.objects.count(), Visit.objects.count()

    results = {r.what: r for r in expired_purge(now=NOW)}

    assert results["events"].rows > 0 and results["visits"].rows > 0
    assert EmotionEvent.objects.count() == events_before - results["events"].rows
    assert Visit.objects.count() == visits_before - results["visits"].rows
    assert not EmotionEvent.objects.filter(timestamp__lt=NOW - timedelta(days=90)).exists()
    assert not Visit.objects.filter(started_at__lt=NOW - timedelta(days=365)).exists()
    assert EventRollup.objects.exists() and VisitRollup.objects.exists()
    after = _everything(*places)
    for key in before:
        assert after[key] == before[key], key
    # Logged: what, how many rows, which range.
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.PURGE).order_by("id")
    assert [e.details["table"] for e in logged] == ["events", "visits"]
    assert logged[0].details["rows"] == results["events"].rows and logged[0].details["oldest"]

    # A second purge a week later moves more hours into the rollups; totals still hold.
    expired_purge(now=NOW + timedelta(days=7))
    assert _everything(*places) == before


def test_dry_run_changes_nothing_and_says_what_would_go(settings, capsys):
    _museum()
    events = EmotionEvent.objects.count()
    call_command("purge_expired", "--dry-run")
    out = capsys.readouterr().out
    assert "events: would delete" in out and "visits: would delete" in out
    assert EmotionEvent.objects.count() == events and not EventRollup.objects.exists()
    assert not AuditEntry.objects.exists()
    call_command("purge_expired")
    assert "events: deleted" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="purge").count() == 2


def test_the_daily_job_is_scheduled_for_celery_beat_and_purges(settings):
    from emotions.tasks import purge_expired
    from museum_site.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["purge-expired-daily"]
    assert entry["schedule"] == 24 * 3600.0
    assert entry["task"] in app.tasks  # found by the app's autodiscovery, so beat's message has a taker
    _museum()
    assert {r["what"]: r["rows"] > 0 for r in purge_expired.apply().get()} == {"events": True, "visits": True}
    assert AuditEntry.objects.filter(action="purge", actor="celery beat").count() == 2
