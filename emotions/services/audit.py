"""Writes to the audit log (emotions.models.AuditEntry). Read-only for everyone in the admin."""
from __future__ import annotations

from emotions.models import AuditEntry


def actor_name(user) -> str:
    return getattr(user, "get_username", lambda: "")() or "anonymous"


def audit_record(*, action: str, actor: str, what: str, details: dict | None = None) -> AuditEntry:
    return AuditEntry.objects.create(action=action, actor=actor[:150], what=what[:200], details=details or {})


def audit_export(*, user, what: str, params) -> AuditEntry:
    """An export or download: who, which file, with which filters (the query as given)."""
    filters = {name: params.get(name) for name in params if name != "csrfmiddlewaretoken"}
    return audit_record(action=AuditEntry.Action.EXPORT, actor=actor_name(user), what=what, details={"filters": filters})
