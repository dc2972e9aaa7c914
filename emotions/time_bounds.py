"""The one rule for how old or how new a time may be: ingest, CSV import and every date filter.

An event time before EARLIEST_EVENT_DATE (local midnight; default 2000-01-01)
comes from a device whose clock was never set (1970-01-01) or from a typo; one
more than MAX_CLOCK_SKEW_SECONDS ahead of the server's clock comes from a clock
set wrong. Either would stretch every "all time" report over decades, so both
are refused with a message naming the item or parameter.

Date filters (since/until, the reports page's from/to, the commands'
--since/--until) share the earliest date. `since` may not be later than the
latest event time either (nothing can match); `until` is an exclusive end, so
it may reach FILTER_END_HORIZON beyond it ("until the 1st of next month").
Checking here first also keeps absurd values (0001-01-01, 9999-12-31 with any
offset) away from date arithmetic that would overflow.

Comparing aware datetimes never overflows (Python compares them as
timedeltas); converting them (astimezone) can, so callers check before that.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# How far ahead an exclusive `until` may reach: a whole "this year" range works.
FILTER_END_HORIZON = timedelta(days=366)


def earliest_event_time() -> datetime:
    """Local midnight of EARLIEST_EVENT_DATE: the first instant an event may have."""
    return datetime.combine(settings.EARLIEST_EVENT_DATE, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def latest_event_time(now: datetime | None = None) -> datetime:
    """The server's clock plus the allowed skew: the last instant an event may have."""
    return (now or timezone.now()) + timedelta(seconds=settings.MAX_CLOCK_SKEW_SECONDS)


def _too_early(moment: datetime) -> str | None:
    if moment < earliest_event_time():
        return (
            f"is before {settings.EARLIEST_EVENT_DATE.isoformat()}, the earliest accepted date "
            "(EARLIEST_EVENT_DATE)"
        )
    return None


def event_time_problem(moment: datetime, *, now: datetime | None = None) -> str | None:
    """Why an aware `moment` can't be an event's time (ingest, CSV import), or None."""
    if problem := _too_early(moment):
        return problem + "; device clock not set?"
    if moment > latest_event_time(now):
        return (
            f"is more than {settings.MAX_CLOCK_SKEW_SECONDS} s ahead of the server's clock "
            "(MAX_CLOCK_SKEW_SECONDS); device clock wrong?"
        )
    return None


def filter_start_problem(moment: datetime, *, now: datetime | None = None) -> str | None:
    """Why an aware `moment` can't start a date filter (since, from), or None."""
    if problem := _too_early(moment):
        return problem
    if moment > latest_event_time(now):
        return "is in the future: no event can match yet"
    return None


def filter_end_problem(moment: datetime, *, now: datetime | None = None) -> str | None:
    """Why an aware `moment` can't end a date filter (until, to; exclusive), or None."""
    if problem := _too_early(moment):
        return problem
    if moment > latest_event_time(now) + FILTER_END_HORIZON:
        return f"is more than {FILTER_END_HORIZON.days} days in the future"
    return None
