"""Importing the same rows again adds nothing: event keys come from the rows themselves."""
from __future__ import annotations

import pytest

from emotions.models import EmotionEvent
from emotions.services.legacy_csv import legacy_csv_import
from tests.emotions.legacy_files import MUSEUM_ROWS, museum_csv, write_csv

pytestmark = pytest.mark.django_db


def test_it_adds_nothing_the_second_time(tmp_path):
    path = museum_csv(tmp_path)
    first = legacy_csv_import(source=path)
    second = legacy_csv_import(source=path)
    assert (first.rows_inserted, first.rows_already_present) == (len(MUSEUM_ROWS), 0)
    assert (second.rows_inserted, second.rows_already_present) == (0, len(MUSEUM_ROWS))
    assert EmotionEvent.objects.count() == len(MUSEUM_ROWS)


def test_it_adds_only_the_new_rows_of_a_grown_file(tmp_path):
    legacy_csv_import(source=write_csv(tmp_path / "a.csv", MUSEUM_ROWS[:5]))
    result = legacy_csv_import(source=write_csv(tmp_path / "b.csv", MUSEUM_ROWS))
    assert (result.rows_inserted, result.rows_already_present) == (len(MUSEUM_ROWS) - 5, 5)


def test_it_keeps_identical_rows_and_gives_keys_independent_of_batch_size(tmp_path):
    row = ("2025-11-25 10:00:00.000", "Cafe", "Happy", "0.9")
    rows = [row, row, row, ("2025-11-25 10:00:01.000", "Cafe", "Happy", "0.9"), row]
    path = write_csv(tmp_path / "twins.csv", rows)
    first = legacy_csv_import(source=path, batch_size=2)  # the run of three crosses a batch boundary
    again = legacy_csv_import(source=path, batch_size=1000)
    # The fifth row is a new run of the same timestamp: it counts as that second's first row.
    assert (first.rows_inserted, again.rows_inserted) == (4, 0)
    assert EmotionEvent.objects.filter(confidence=0.9).count() == 4


def test_it_adds_nothing_when_reimporting_a_spelling_variant(tmp_path):
    legacy_csv_import(source=write_csv(tmp_path / "a.csv", [("2025-11-25 10:00:00.5", "Cafe", "Happy", "0.90")]))
    result = legacy_csv_import(source=write_csv(tmp_path / "b.csv", [("2025-11-25 10:00:00.500", "Cafe", "happy", "0.9")]))
    assert result.rows_inserted == 0
