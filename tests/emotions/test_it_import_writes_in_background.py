"""Outside a transaction on PostgreSQL the import writes on a second connection, overlapping with parsing."""
from __future__ import annotations

import pytest
from django.db import connection

from emotions.models import EmotionEvent
from emotions.services import legacy_csv
from emotions.services.legacy_csv import legacy_csv_import
from tests.conftest import require_service
from tests.emotions.legacy_files import MUSEUM_ROWS, museum_csv


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_it_imports_through_the_background_writer_and_stays_idempotent(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: set DATABASE_URL=postgres://... to test the background writer")
    writers = []
    real_writer = legacy_csv._BackgroundWriter

    def spying_writer():
        writers.append(real_writer())
        return writers[-1]

    monkeypatch.setattr(legacy_csv, "_BackgroundWriter", spying_writer)
    path = museum_csv(tmp_path)
    first = legacy_csv_import(source=path, batch_size=5)
    second = legacy_csv_import(source=path, batch_size=5)

    assert len(writers) == 2
    assert (first.rows_inserted, second.rows_inserted, second.rows_already_present) == (12, 0, 12)
    assert EmotionEvent.objects.count() == len(MUSEUM_ROWS)
