"""Is the database ready for a command? One clear line instead of a traceback when not.

A newcomer who runs `classify_faces` or `import_emotion_log` before `migrate` (or with
PostgreSQL down) should read what to do, not `OperationalError: no such table`.
"""
from __future__ import annotations

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


def database_problem(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """Why commands cannot use the database yet, or None when it is reachable and fully migrated."""
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[using]
    where = connection.settings_dict.get("NAME")
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        reason = " ".join(str(exc).split())  # drivers wrap their messages over lines
        return f"cannot read the database {where} ({reason}): check DATABASE_URL and that the server runs"
    if pending:
        return (f"the database {where} has {len(pending)} migration(s) not applied: "
                "run `python manage.py migrate` first")
    return None


def require_migrated_database(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise CommandError (one line, exit status 1) unless the database is reachable and migrated."""
    problem = database_problem(using)
    if problem:
        raise CommandError(problem)
