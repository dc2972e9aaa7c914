"""Date drill-down of events and visits: the years emotions.time_bounds accepts for event times."""
from __future__ import annotations

from cameras.admin_dates import BoundedDateHierarchyMixin
from emotions.time_bounds import earliest_event_time, latest_event_time


class EventTimeDrillDownMixin(BoundedDateHierarchyMixin):
    def date_hierarchy_years(self) -> tuple[int, int]:
        return earliest_event_time().year, latest_event_time().year
