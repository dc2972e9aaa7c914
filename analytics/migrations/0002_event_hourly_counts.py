"""Hourly event counts kept by PostgreSQL triggers (see analytics/models.py).

Statement-level triggers with transition tables: one GROUP BY per INSERT,
UPDATE or DELETE statement, however many rows it touches, so a 50,000-row
import batch costs one small aggregate, not 50,000 upserts. Keys are upserted
in sorted order so concurrent writers lock rows in the same order (no
deadlocks). Existing events are counted once, under a lock that holds writers
back meanwhile. SQLite gets the (empty) table and no triggers.
"""
from django.db import migrations, models

EVENTS = "emotions_emotionevent"
COUNTS = "analytics_eventhourlycount"
THRESHOLD = "0.6"  # analytics.models.ROLLUP_THRESHOLD, frozen here as migrations must be


def upsert(source: str, sign: str) -> str:
    return f"""
        INSERT INTO {COUNTS} AS c (hour, location_id, camera_key, exhibit_key, emotion, events, events_at_threshold)
        SELECT date_trunc('hour', "timestamp", 'UTC'), location_id, coalesce(camera_id, 0), coalesce(exhibit_id, 0),
               emotion, {sign} count(*), {sign} count(*) FILTER (WHERE confidence >= {THRESHOLD})
        FROM {source}
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (hour, location_id, camera_key, exhibit_key, emotion) DO UPDATE
        SET events = c.events + EXCLUDED.events,
            events_at_threshold = c.events_at_threshold + EXCLUDED.events_at_threshold;
    """


CREATE = f"""
CREATE FUNCTION analytics_count_inserted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {upsert("new_rows", "")} RETURN NULL; END $$;

CREATE FUNCTION analytics_count_deleted_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {upsert("old_rows", "-")} RETURN NULL; END $$;

-- Updates that leave the counted columns alone (a visit or model version set to
-- NULL when those are deleted) change no count: checked with one join, then skipped.
CREATE FUNCTION analytics_count_updated_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o."timestamp", o.location_id, o.camera_id, o.exhibit_id, o.emotion, o.confidence)
              IS DISTINCT FROM (n."timestamp", n.location_id, n.camera_id, n.exhibit_id, n.emotion, n.confidence)
    ) THEN {upsert("old_rows", "-")} {upsert("new_rows", "")} END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION analytics_count_truncated_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM {COUNTS}; RETURN NULL; END $$;

CREATE TRIGGER analytics_count_insert AFTER INSERT ON {EVENTS}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_count_inserted_events();
CREATE TRIGGER analytics_count_delete AFTER DELETE ON {EVENTS}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_count_deleted_events();
CREATE TRIGGER analytics_count_update AFTER UPDATE ON {EVENTS} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_count_updated_events();
CREATE TRIGGER analytics_count_truncate AFTER TRUNCATE ON {EVENTS}
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_count_truncated_events();
"""

DROP = f"""
DROP TRIGGER IF EXISTS analytics_count_insert ON {EVENTS};
DROP TRIGGER IF EXISTS analytics_count_delete ON {EVENTS};
DROP TRIGGER IF EXISTS analytics_count_update ON {EVENTS};
DROP TRIGGER IF EXISTS analytics_count_truncate ON {EVENTS};
DROP FUNCTION IF EXISTS analytics_count_inserted_events();
DROP FUNCTION IF EXISTS analytics_count_deleted_events();
DROP FUNCTION IF EXISTS analytics_count_updated_events();
DROP FUNCTION IF EXISTS analytics_count_truncated_events();
"""


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        # Writers wait while the existing events are counted, so none is missed or counted twice.
        cursor.execute(f"LOCK TABLE {EVENTS} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(CREATE)
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(upsert(EVENTS, ""))


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_viewer_group"),
        ("emotions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventHourlyCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hour", models.DateTimeField(help_text="Start of the UTC hour.")),
                ("location_id", models.BigIntegerField()),
                ("camera_key", models.BigIntegerField(help_text="Camera id, or 0 for events without a camera.")),
                ("exhibit_key", models.BigIntegerField(help_text="Exhibit id, or 0 for events without an exhibit.")),
                ("emotion", models.CharField(max_length=16)),
                ("events", models.BigIntegerField(default=0)),
                ("events_at_threshold", models.BigIntegerField(default=0, help_text="Events with confidence >= 0.6.")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("hour", "location_id", "camera_key", "exhibit_key", "emotion"),
                        name="event_hourly_count_key",
                    )
                ],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
