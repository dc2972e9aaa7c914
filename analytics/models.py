"""Hourly event counts, kept by the database itself so reports over millions of events stay fast.

Written only by PostgreSQL triggers on emotions_emotionevent (see migration
0002): every INSERT, UPDATE, DELETE or TRUNCATE of events adjusts these counts
in the same transaction, whoever the writer is (camera recorder, CSV import,
ingest API, admin). Nothing in Python writes here. On SQLite (embedded mode,
small data) the table stays empty and the selectors count events directly.
"""
from __future__ import annotations

from django.db import models

# The rows counted in `events_at_threshold`: the legacy default threshold, which
# the API, the reports page and Node-RED use unless told otherwise.
ROLLUP_THRESHOLD = 0.6
NONE_KEY = 0  # camera_key / exhibit_key of events without a camera / exhibit


class EventHourlyCount(models.Model):
    hour = models.DateTimeField(help_text="Start of the UTC hour.")
    location_id = models.BigIntegerField()
    camera_key = models.BigIntegerField(help_text="Camera id, or 0 for events without a camera.")
    exhibit_key = models.BigIntegerField(help_text="Exhibit id, or 0 for events without an exhibit.")
    emotion = models.CharField(max_length=16)
    events = models.BigIntegerField(default=0)
    events_at_threshold = models.BigIntegerField(default=0, help_text="Events with confidence >= 0.6.")

    class Meta:
        constraints = [
            # The triggers' INSERT .. ON CONFLICT target, and the reports' range scan:
            #   WHERE hour >= .. AND hour < .. GROUP BY location_id / exhibit_key, emotion, local day
            models.UniqueConstraint(
                fields=["hour", "location_id", "camera_key", "exhibit_key", "emotion"], name="event_hourly_count_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00Z loc {self.location_id} {self.emotion}: {self.events}"
