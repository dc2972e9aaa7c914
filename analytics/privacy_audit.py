"""Privacy-setting changes into the audit log, whoever makes them (admin, API, shell).

Signals on the models that hold privacy settings: a camera's zones, a location's staff flag
and hours, its closures, and the visitor notice. The acting user comes from the request
being served (AuditActorMiddleware keeps it for the length of the request; DRF's token
user is read from the same request once the view authenticated it).
"""
from __future__ import annotations

from contextvars import ContextVar

from django.db.models.signals import post_delete, post_save, pre_save

from analytics.models import PrivacyNotice
from cameras.models import Camera, Location, LocationClosure
from emotions.models import AuditEntry
from emotions.services.audit import actor_name, audit_record

_current_request: ContextVar = ContextVar("audit_request", default=None)

# model -> the fields whose changes are privacy-relevant (None: every field)
WATCHED = {Camera: ("privacy_zones",), Location: ("staff_area", "opening_hours"), PrivacyNotice: None}


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_actor() -> str:
    request = _current_request.get()
    return actor_name(getattr(request, "user", None)) if request is not None else "system (shell or command)"


def _fields(model) -> list[str]:
    watched = WATCHED[model]
    return list(watched) if watched is not None else [f.attname for f in model._meta.concrete_fields
                                                     if f.attname not in ("id", "updated_at")]


def _remember_old(sender, instance, **kwargs):
    if sender not in WATCHED:
        return
    old = sender.objects.filter(pk=instance.pk).values(*_fields(sender)).first() if instance.pk else None
    instance._privacy_before = old


def _record_change(sender, instance, created, **kwargs):
    if sender not in WATCHED:
        return
    before = getattr(instance, "_privacy_before", None) or {}
    changes = {name: {"old": before.get(name), "new": getattr(instance, name)} for name in _fields(sender)
               if before.get(name) != getattr(instance, name)}
    if created and sender is not PrivacyNotice:
        # A new camera or location is recorded only when it starts with privacy settings.
        changes = {k: v for k, v in changes.items() if v["new"] not in (None, False, [], {}, "")}
    if changes:
        audit_record(action=AuditEntry.Action.PRIVACY_CHANGE, actor=current_actor(),
                     what=f"{sender._meta.verbose_name} {instance}", details={"changes": _jsonable(changes)})


def _closure_changed(sender, instance, **kwargs):
    verb = "removed" if kwargs.get("signal") is post_delete else "saved"
    audit_record(action=AuditEntry.Action.PRIVACY_CHANGE, actor=current_actor(),
                 what=f"closure {verb}: {instance}", details={
                     "location": instance.location_id, "first_day": str(instance.first_day),
                     "last_day": str(instance.last_day), "reason": instance.reason})


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def privacy_audit_connect() -> None:
    for model in WATCHED:
        pre_save.connect(_remember_old, sender=model, dispatch_uid=f"privacy-audit-pre-{model.__name__}")
        post_save.connect(_record_change, sender=model, dispatch_uid=f"privacy-audit-post-{model.__name__}")
    post_save.connect(_closure_changed, sender=LocationClosure, dispatch_uid="privacy-audit-closure-save")
    post_delete.connect(_closure_changed, sender=LocationClosure, dispatch_uid="privacy-audit-closure-delete")
