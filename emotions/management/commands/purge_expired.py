"""manage.py purge_expired [--dry-run]: delete events and visits past their retention, keeping rollups.

Daily: Celery beat in production (`celery -A museum_site beat`), or cron in embedded mode:
    15 3 * * *  cd /opt/museum && .venv/bin/python manage.py purge_expired >> var/log/purge.log 2>&1
"""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from emotions.services.retention import expired_purge
from museum_site.db_ready import require_migrated_database


class Command(BaseCommand):
    help = "Purge emotion events and visits older than RETENTION_EVENTS_DAYS / RETENTION_VISITS_DAYS (rollups kept)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would go, change nothing")

    def handle(self, *args, **options):
        require_migrated_database()
        results = expired_purge(dry_run=options["dry_run"], actor="manage.py purge_expired")
        days = {"events": settings.RETENTION_EVENTS_DAYS, "visits": settings.RETENTION_VISITS_DAYS}
        for r in results:
            verb = "would delete" if r.dry_run else "deleted"
            span = f" ({r.oldest:%Y-%m-%d %H:%M} .. {r.newest:%Y-%m-%d %H:%M} UTC)" if r.rows else ""
            self.stdout.write(f"{r.what}: {verb} {r.rows} row(s) older than {days[r.what]} days, "
                              f"before {r.cutoff:%Y-%m-%d %H:%M} UTC{span}")
