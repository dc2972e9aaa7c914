"""Small-group suppression sizes every group as visits + events without a visit. Where no event of
the selection has a visit (imported logs), PostgreSQL's hourly counts give those numbers without a
GROUP BY over the events; they must be the same numbers the events give, for every grouping."""
from datetime import datetime, timedelta, timezone

import pytest

from analytics.selectors.suppression import _GROUPS, group_sizes
from emotions.filters import EventFilter
from tests.analytics.hourly_count_tools import require_hourly_counts
from tests.factories import CameraFactory, EmotionEventFactory, ExhibitFactory, LocationFactory, VisitFactory

START = datetime(2026, 3, 28, 20, 30, tzinfo=timezone.utc)  # the night Rome moves to summer time


@pytest.fixture
def imported_events(db):
    require_hourly_counts()
    place = LocationFactory()
    with_exhibit = CameraFactory(location=place, exhibit=ExhibitFactory(location=place))
    without = CameraFactory(location=place, exhibit=None)
    CameraFactory(exhibit=None)  # another location, with no events
    for i in range(40):
        camera = with_exhibit if i % 3 else without
        EmotionEventFactory(timestamp=START + timedelta(minutes=17 * i), camera=camera, location=camera.location,
                            exhibit=camera.exhibit, confidence=0.3 if i % 4 == 0 else 0.9, emotion="sad")
    return with_exhibit


def sizes_both_ways(settings, event_filter: EventFilter, by: str) -> tuple[dict, dict]:
    settings.ANALYTICS_HOURLY_COUNTS = True
    fast = dict(group_sizes(event_filter=event_filter, by=by))
    settings.ANALYTICS_HOURLY_COUNTS = False  # the events themselves
    exact = dict(group_sizes(event_filter=event_filter, by=by))
    return {k: v for k, v in fast.items() if v}, exact


@pytest.mark.parametrize("by", sorted(_GROUPS))
def test_imported_events_size_the_same_from_the_hourly_counts(settings, imported_events, by):
    settings.TIME_ZONE = "Europe/Rome"
    for event_filter in (EventFilter(), EventFilter(exhibit_id=imported_events.exhibit_id),
                         EventFilter(since=START + timedelta(hours=2, minutes=30))):
        fast, exact = sizes_both_ways(settings, event_filter, by)
        assert fast == exact and sum(exact.values()) > 0


@pytest.mark.parametrize("by", sorted(_GROUPS))
def test_a_linked_event_makes_it_count_the_events(settings, imported_events, by):
    """Once some events have visits, the hourly counts (which count every event) would over-count."""
    visit = VisitFactory(camera=imported_events, location=imported_events.location, started_at=START)
    EmotionEventFactory(timestamp=START, camera=imported_events, location=imported_events.location,
                        exhibit=imported_events.exhibit, visit=visit)
    fast, exact = sizes_both_ways(settings, EventFilter(), by)
    assert fast == exact
