"""manage.py analyze_emotions: the legacy analyze_emotions.py JSON, on stdout and nothing else."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from analytics.legacy_pandas import csv_emotion_summary
from analytics.legacy_summary import DEFAULT_THRESHOLD, validate_threshold
from analytics.selectors.summary import legacy_summary
from emotions.legacy_format import LegacyCsvError
from emotions.management.legacy_args import add_event_filter_arguments, event_filter_from_options
from emotions.legacy_format import LegacyCsvError
from emotions.services.legacy_dialect import DECIMALS, DELIMITERS


class Command(BaseCommand):
    help = (
        "Print the legacy analysis JSON (sentiment and emotion counts overall, by location, "
        "by hour) for the events in the database, or for a CSV file with --csv."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold", type=float, default=DEFAULT_THRESHOLD,
            help="Rows with confidence >= this count (default %(default)s).",
        )
        add_event_filter_arguments(parser)
        parser.add_argument("--csv", metavar="PATH", help="Analyse this emotion_log.csv with pandas instead.")
        parser.add_argument(
            "--delimiter", choices=DELIMITERS, help="With --csv: field separator (default: detected from the header)."
        )
        parser.add_argument(
            "--decimal", choices=DECIMALS,
            help="With --csv: decimal mark of Confidence (default: ',' in ';'-separated files, '.' otherwise).",
        )
        parser.add_argument(
            "--fill-zeros", action="store_true",
            help="List every sentiment and emotion in every group, zeros included, in a fixed order "
            "(default: exactly the prototype's JSON, only the labels that occur, largest count first).",
        )

    def handle(self, *args, **options):
        try:
            threshold = validate_threshold(options["threshold"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        event_filter = event_filter_from_options(options, check_location=not options["csv"])
        if not options["csv"] and (options["delimiter"] or options["decimal"]):
            raise CommandError("--delimiter and --decimal describe a CSV file: use them with --csv")
        if options["csv"]:
            try:
                result = csv_emotion_summary(
                    path=options["csv"], threshold=threshold, event_filter=event_filter,
                    fill_zeros=options["fill_zeros"], delimiter=options["delimiter"], decimal=options["decimal"],
                )
            except (LegacyCsvError, ValueError) as exc:
                raise CommandError(f"{options['csv']}: {exc}") from exc
            if result.bad_row_count:
                self.stderr.write(
                    f"{options['csv']}: skipped {result.bad_row_count} bad rows, e.g. "
                    + "; ".join(str(row) for row in result.bad_row_samples)
                    + " (import_emotion_log --no-progress lists them all)"
                )
            summary = result.summary
        else:
            # Same reader as the API: hourly counts when they answer exactly, else the events.
            summary = legacy_summary(
                event_filter=event_filter, threshold=threshold, fill_zeros=options["fill_zeros"]
            )
        self.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False))
