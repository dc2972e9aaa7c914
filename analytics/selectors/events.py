"""Emotion events for lists and the legacy CSV export."""
from __future__ import annotations

from django.db.models import QuerySet

from emotions.filters import EventFilter
from emotions.models import EmotionEvent


def event_list(*, event_filter: EventFilter) -> QuerySet[EmotionEvent]:
    """Oldest first, like the legacy log; index event_ts_loc_emo_conf serves the range scan."""
    return event_filter.events().select_related("location").order_by("timestamp", "id")
