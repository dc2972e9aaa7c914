"""The hourly counts also split by model version, so the corrected mix reads them instead of the events.

The reports page's corrected-mix card corrects each model version's detections with
that version's confusion matrix, so it needs detections per (version, emotion); with
only the events to count, that was a GROUP BY over every event of the selection
(about 0.25 s per million). One model runs at a time, so the extra key adds a row
only for the hours in which the active model changed.

The trigger functions are replaced and every count is taken again from the events,
under a lock that holds writers back meanwhile (as in 0002). Reversing restores
0002's functions and counts.
"""
from django.db import migrations, models

EVENTS = "emotions_emotionevent"
COUNTS = "analytics_eventhourlycount"
THRESHOLD = "0.6"  # analytics.models.ROLLUP_THRESHOLD, frozen here as migrations must be
OLD_KEY = ("hour", "location_id", "camera_key", "exhibit_key", "emotion")
NEW_KEY = (*OLD_KEY, "model_version_key")


def upsert(source: str, sign: str, *, per_version: bool) -> str:
    version_column, version_value = ("", "")
    if per_version:
        version_column, version_value = ", model_version_key", ", coalesce(model_version_id, 0)"
    key_columns = NEW_KEY if per_version else OLD_KEY
    key = ", ".join(key_columns)
    groups = ", ".join(str(n) for n in range(1, len(key_columns) + 1))
    return f"""
        INSERT INTO {COUNTS} AS c (hour, location_id, camera_key, exhibit_key, emotion{version_column},
                                   events, events_at_threshold)
        SELECT date_trunc('hour', "timestamp", 'UTC'), location_id, coalesce(camera_id, 0), coalesce(exhibit_id, 0),
               emotion{version_value}, {sign} count(*), {sign} count(*) FILTER (WHERE confidence >= {THRESHOLD})
        FROM {source}
        GROUP BY {groups}
        ORDER BY {groups}
        ON CONFLICT ({key}) DO UPDATE
        SET events = c.events + EXCLUDED.events,
            events_at_threshold = c.events_at_threshold + EXCLUDED.events_at_threshold;
    """


def functions(*, per_version: bool) -> str:
    columns = ['"timestamp"', "location_id", "camera_id", "exhibit_id", "emotion", "confidence"]
    if per_version:
        columns.append("model_version_id")
    old, new = (", ".join(f"{row}.{column}" for column in columns) for row in ("o", "n"))
    return f"""
CREATE OR REPLACE FUNCTION analytics_count_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {upsert("new_rows", "", per_version=per_version)} RETURN NULL; END $$;

CREATE OR REPLACE FUNCTION analytics_count_deleted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {upsert("old_rows", "-", per_version=per_version)} RETURN NULL; END $$;

-- Updates that leave the counted columns alone (a visit set to NULL when it is deleted)
-- change no count: checked with one join, then skipped.
CREATE OR REPLACE FUNCTION analytics_count_updated_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE ({old}) IS DISTINCT FROM ({new})
    ) THEN {upsert("old_rows", "-", per_version=per_version)} {upsert("new_rows", "", per_version=per_version)} END IF;
    RETURN NULL;
END $$;
"""


def _lock_events(cursor) -> None:
    # Writers wait until the migration commits, so no event is missed or counted twice.
    cursor.execute(f"LOCK TABLE {EVENTS} IN SHARE ROW EXCLUSIVE MODE")


def count_per_version(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _lock_events(cursor)
        cursor.execute(functions(per_version=True))
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(upsert(EVENTS, "", per_version=True))


def empty_counts(apps, schema_editor):
    """Reverse, first step: empty the counts so 0002's narrower unique key can be put back."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        _lock_events(cursor)
        cursor.execute(f"DELETE FROM {COUNTS}")


def lock_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            _lock_events(cursor)


def count_without_version(apps, schema_editor):
    """Reverse, last step: 0002's functions and counts."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(functions(per_version=False))
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(upsert(EVENTS, "", per_version=False))


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_privacy_notice"),
        ("emotions", "0004_retention_rollups_and_audit_log"),
    ]

    operations = [
        migrations.RunPython(lock_only, count_without_version),
        migrations.AddField(
            model_name="eventhourlycount",
            name="model_version_key",
            field=models.BigIntegerField(
                default=0, help_text="Model version id, or 0 for events without a recorded model version."),
        ),
        migrations.RemoveConstraint(model_name="eventhourlycount", name="event_hourly_count_key"),
        migrations.AddConstraint(
            model_name="eventhourlycount",
            constraint=models.UniqueConstraint(fields=NEW_KEY, name="event_hourly_count_key"),
        ),
        migrations.RunPython(count_per_version, empty_counts),
    ]
