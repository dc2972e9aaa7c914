"""Storage limitation (GDPR Art. 5(1)(e)): purge raw events and visits past their retention,
keeping their counts in rollups so past report totals never change.

`expired_purge` runs daily (`manage.py purge_expired`, the Celery beat task
emotions.tasks.purge_expired, or cron in embedded mode). In one transaction per
table it adds the expiring rows' counts to EventRollup / VisitRollup, deletes
the rows, and writes an AuditEntry (what, rows, oldest..newest, cutoff).

Cutoffs fall on local clock hours, the rollups' grain, so a rollup row never
holds a part-hour next to live rows of the same hour. Rollups keep, per local
hour x location x camera x exhibit x emotion x confidence step of 0.05: the
count, the events without a visit, and the first ((timestamp, id) order) and last
event: enough for the legacy summary, the series and the breakdowns to give
exactly the numbers they gave before, at every threshold k/20 (0, 0.05, ..., 1:
the reports form's steps and the API's 0.6 default). On PostgreSQL the trigger-kept
hourly counts follow the deletes; readers add the rollups to them.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Max, Min, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber, TruncHour
from django.utils import timezone

from emotions.models import CONFIDENCE_STEPS, AuditEntry, EmotionEvent, EventRollup, Visit, VisitRollup
from emotions.services.audit import audit_record

log = logging.getLogger(__name__)
DELETE_BATCH = 50_000


@dataclass(frozen=True)
class PurgeResult:
    what: str           # "events" | "visits"
    cutoff: datetime    # rows before this are expired
    rows: int
    oldest: datetime | None
    newest: datetime | None
    dry_run: bool


def confidence_step_expression():
    """floor(confidence * 20) by comparisons with the same literals a threshold filter uses
    (`confidence >= 0.6` and step >= 12 select the same rows, float rounding included)."""
    whens = [When(confidence__gte=step / CONFIDENCE_STEPS, then=Value(step)) for step in range(CONFIDENCE_STEPS, 0, -1)]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def threshold_step(threshold: float) -> int:
    """The lowest confidence step counted at `threshold`: exact for k/20, the next step up otherwise."""
    for step in range(CONFIDENCE_STEPS + 1):
        if step / CONFIDENCE_STEPS >= threshold:
            return step
    return CONFIDENCE_STEPS + 1


def retention_cutoff(days: int, *, now: datetime | None = None) -> datetime:
    """The start of the local clock hour `days` before `now`."""
    tz = ZoneInfo(settings.TIME_ZONE)
    moment = ((now or timezone.now()) - timedelta(days=days)).astimezone(tz)
    return moment.replace(minute=0, second=0, microsecond=0).astimezone(dt_timezone.utc)


def _local(hour: datetime) -> tuple:
    local = hour.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.date(), local.hour


def _event_groups(expired) -> dict[tuple, dict]:
    tz = ZoneInfo(settings.TIME_ZONE)
    keyed = expired.annotate(bucket=TruncHour("timestamp", tzinfo=tz), step=confidence_step_expression())
    keys = ("bucket", "location_id", "camera_id", "exhibit_id", "emotion", "step")
    groups = {}
    for row in keyed.values(*keys).annotate(
        n=Count("id"), unlinked=Count("id", filter=Q(visit__isnull=True)), first=Min("timestamp"), last=Max("timestamp")
    ):
        groups[tuple(row[k] for k in keys)] = row
    # The first event of each group in (timestamp, id) order: the legacy summary's tie-break.
    partition = [TruncHour("timestamp", tzinfo=tz), F("location_id"), F("camera_id"), F("exhibit_id"), F("emotion"),
                 confidence_step_expression()]
    firsts = keyed.annotate(rank=Window(RowNumber(), partition_by=partition, order_by=[F("timestamp").asc(),
                                                                                        F("id").asc()]))
    for row in firsts.filter(rank=1).values(*keys, "id"):
        groups[tuple(row[k] for k in keys)]["first_id"] = row["id"]
    return groups


def _rollup_events(expired) -> None:
    groups = _event_groups(expired)
    if not groups:
        return
    hours = {key[0] for key in groups}
    existing = {
        (r.hour, r.location_id, r.camera_key or None, r.exhibit_key or None, r.emotion, r.confidence_step): r
        for r in EventRollup.objects.filter(hour__in=hours)
    }
    new, changed = [], []
    for key, g in groups.items():
        hour, location_id, camera_id, exhibit_id, emotion, step = key
        row = existing.get(key)
        if row is None:
            local_date, local_hour = _local(hour)
            new.append(EventRollup(
                hour=hour, local_date=local_date, local_hour=local_hour, location_id=location_id,
                camera_key=camera_id or 0, exhibit_key=exhibit_id or 0, emotion=emotion, confidence_step=step,
                events=g["n"], unlinked_events=g["unlinked"], first_timestamp=g["first"], first_event_id=g["first_id"],
                last_timestamp=g["last"],
            ))
            continue
        # Late rows of an hour already rolled up (an old CSV imported after a purge): add them.
        row.events += g["n"]
        row.unlinked_events += g["unlinked"]
        if (g["first"], g["first_id"]) < (row.first_timestamp, row.first_event_id):
            row.first_timestamp, row.first_event_id = g["first"], g["first_id"]
        row.last_timestamp = max(row.last_timestamp, g["last"])
        changed.append(row)
    EventRollup.objects.bulk_create(new, batch_size=2000)
    EventRollup.objects.bulk_update(
        changed, ["events", "unlinked_events", "first_timestamp", "first_event_id", "last_timestamp"], batch_size=2000
    )


def _rollup_visits(expired) -> None:
    tz = ZoneInfo(settings.TIME_ZONE)
    keys = ("bucket", "location_id", "camera_id", "exhibit_id", "dominant_emotion")
    groups = {
        tuple(row[k] for k in keys): row
        for row in expired.annotate(bucket=TruncHour("started_at", tzinfo=tz)).values(*keys)
        .annotate(n=Count("id"), dwell=Sum("dwell_seconds"))
    }
    if not groups:
        return
    existing = {
        (r.hour, r.location_id, r.camera_key or None, r.exhibit_key or None, r.dominant_emotion): r
        for r in VisitRollup.objects.filter(hour__in={key[0] for key in groups})
    }
    new, changed = [], []
    for key, g in groups.items():
        row = existing.get(key)
        if row is None:
            hour, location_id, camera_id, exhibit_id, emotion = key
            local_date, local_hour = _local(hour)
            new.append(VisitRollup(hour=hour, local_date=local_date, local_hour=local_hour, location_id=location_id,
                                   camera_key=camera_id or 0, exhibit_key=exhibit_id or 0, dominant_emotion=emotion,
                                   visits=g["n"], dwell_seconds_total=g["dwell"] or 0.0))
        else:
            row.visits += g["n"]
            row.dwell_seconds_total += g["dwell"] or 0.0
            changed.append(row)
    VisitRollup.objects.bulk_create(new, batch_size=2000)
    VisitRollup.objects.bulk_update(changed, ["visits", "dwell_seconds_total"], batch_size=2000)


def _delete(queryset) -> None:
    model = queryset.model
    while True:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:DELETE_BATCH])
        if not ids:
            return
        model.objects.filter(pk__in=ids).delete()


@transaction.atomic
def _purge_one(*, what: str, queryset, time_field: str, cutoff: datetime, rollup, dry_run: bool,
               actor: str) -> PurgeResult:
    expired = queryset.filter(**{f"{time_field}__lt": cutoff})
    found = expired.aggregate(rows=Count("pk"), oldest=Min(time_field), newest=Max(time_field))
    result = PurgeResult(what=what, cutoff=cutoff, rows=found["rows"], oldest=found["oldest"],
                         newest=found["newest"], dry_run=dry_run)
    if not dry_run and result.rows:
        rollup(expired)
        _delete(expired)
    if not dry_run:
        audit_record(action=AuditEntry.Action.PURGE, actor=actor, what=f"{what} before {cutoff.isoformat()}",
                     details={"table": what, "rows": result.rows, "cutoff": cutoff.isoformat(),
                              "oldest": result.oldest.isoformat() if result.oldest else None,
                              "newest": result.newest.isoformat() if result.newest else None})
    log.info("purge %s%s: %d rows before %s (%s .. %s)", what, " (dry run)" if dry_run else "", result.rows,
             cutoff.isoformat(), result.oldest, result.newest)
    return result


def expired_purge(*, now: datetime | None = None, dry_run: bool = False, actor: str = "purge_expired") -> list[PurgeResult]:
    """Purge events older than RETENTION_EVENTS_DAYS and visits older than RETENTION_VISITS_DAYS."""
    return [
        _purge_one(what="events", queryset=EmotionEvent.objects.all(), time_field="timestamp",
                   cutoff=retention_cutoff(settings.RETENTION_EVENTS_DAYS, now=now), rollup=_rollup_events,
                   dry_run=dry_run, actor=actor),
        _purge_one(what="visits", queryset=Visit.objects.all(), time_field="started_at",
                   cutoff=retention_cutoff(settings.RETENTION_VISITS_DAYS, now=now), rollup=_rollup_visits,
                   dry_run=dry_run, actor=actor),
    ]
