"""manage.py export_emotion_log [PATH|-]: the events as a legacy emotion_log.csv."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from emotions.legacy_export import legacy_csv_export
from emotions.management.legacy_args import add_event_filter_arguments, event_filter_from_options
from emotions.models import AuditEntry
from emotions.services.audit import audit_record
from museum_site.db_ready import require_migrated_database


class Command(BaseCommand):
    help = "Write events in the legacy emotion_log.csv format (to a file, or '-' for stdout)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="Output file; '-' (default) is stdout.")
        add_event_filter_arguments(parser)

    def handle(self, *args, **options):
        require_migrated_database()
        event_filter = event_filter_from_options(options)
        audit_record(action=AuditEntry.Action.EXPORT, actor="manage.py export_emotion_log",
                     what=f"emotion_log.csv to {options['path']}",
                     details={"filters": {k: str(v) for k, v in vars(event_filter).items() if v is not None}})
        if options["path"] == "-":
            try:
                legacy_csv_export(out=self.stdout, event_filter=event_filter)
            except BrokenPipeError:
                # The reader went away (`| head`): stop quietly, as Unix tools do.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        path = Path(options["path"])
        try:
            with path.open("w", encoding="utf-8", newline="") as out:
                count = legacy_csv_export(out=out, event_filter=event_filter)
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from exc
        self.stderr.write(f"{path}: {count} rows written")
