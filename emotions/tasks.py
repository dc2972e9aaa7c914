"""Celery tasks of the emotions app: the daily retention purge (scheduled in settings.CELERY_BEAT_SCHEDULE)."""
from __future__ import annotations

from celery import shared_task

from emotions.services.retention import expired_purge


@shared_task(name="emotions.tasks.purge_expired")
def purge_expired() -> list[dict]:
    return [{"what": r.what, "rows": r.rows} for r in expired_purge(actor="celery beat")]
