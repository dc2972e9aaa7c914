"""manage.py import_emotion_log PATH: load a legacy emotion_log.csv into the database."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from emotions.legacy_format import BadRow, LegacyCsvError
from emotions.services.legacy_csv import DEFAULT_BATCH_SIZE, legacy_csv_import
from emotions.services.legacy_dialect import DECIMALS, DELIMITERS
from museum_site.db_ready import require_migrated_database


class Command(BaseCommand):
    help = (
        "Import a legacy emotion_log.csv (Timestamp,CameraLocation,Emotion,Confidence), or a spreadsheet's "
        "';'-separated export with decimal commas (detected). "
        "Bad rows are reported with their line numbers and skipped; re-importing adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows per transaction.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")
        parser.add_argument(
            "--fail-on-bad-rows", action="store_true",
            help="Exit with status 1 if any row was bad (good rows are still imported).",
        )
        parser.add_argument(
            "--delimiter", choices=DELIMITERS,
            help="Field separator (default: detected from the header; spreadsheets often write ';').",
        )
        parser.add_argument(
            "--decimal", choices=DECIMALS,
            help="Decimal mark of Confidence (default: ',' in ';'-separated files, '.' otherwise).",
        )

    def handle(self, *args, **options):
        require_migrated_database()
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")

        def report(row: BadRow) -> None:
            self.stderr.write(f"{options['path']}: {row}")

        try:
            result = legacy_csv_import(
                source=options["path"],
                batch_size=options["batch_size"],
                progress=not options["no_progress"],
                on_bad_row=report,
                delimiter=options["delimiter"],
                decimal=options["decimal"],
            )
        except LegacyCsvError as exc:
            raise CommandError(f"{options['path']}: {exc}") from exc
        self.stdout.write(
            f"{options['path']}: {result.rows_read} rows read, {result.rows_inserted} imported, "
            f"{result.rows_already_present} already present, {result.bad_row_count} bad rows skipped"
            + (f"; new locations: {', '.join(result.locations_created)}" if result.locations_created else "")
        )
        if result.bad_row_count and options["fail_on_bad_rows"]:
            raise CommandError(f"{result.bad_row_count} bad rows (see above); the good rows were imported")
