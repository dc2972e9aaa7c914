"""What cameras, imports and purges recorded is read-only in the admin: events and the audit log
can be neither edited nor deleted; visits cannot be edited, but staff may delete one (e.g. a test run)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.contrib import admin

from emotions.models import AuditEntry, EmotionEvent, Visit
from tests.factories import CameraFactory

pytestmark = pytest.mark.django_db


def _permissions(model, request) -> tuple[bool, bool, bool]:
    model_admin = admin.site._registry[model]
    return (model_admin.has_add_permission(request), model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request))


def test_events_and_audit_entries_cannot_be_added_edited_or_deleted(rf, staff_user):
    request = rf.get("/admin/")
    request.user = staff_user  # a superuser: the strongest case
    assert _permissions(EmotionEvent, request) == (False, False, False)
    assert _permissions(AuditEntry, request) == (False, False, False)


def test_visits_can_be_deleted_but_not_edited(rf, staff_user, staff_client):
    request = rf.get("/admin/")
    request.user = staff_user
    assert _permissions(Visit, request) == (False, False, True)
    camera = CameraFactory()
    at = datetime(2026, 11, 1, 10, tzinfo=timezone.utc)
    visit = Visit.objects.create(camera=camera, location=camera.location, track_id="t1", started_at=at,
                                 ended_at=at, dwell_seconds=1.0, mean_scores={}, dominant_emotion="happy",
                                 visit_key="k1")
    page = staff_client.get(f"/admin/emotions/visit/{visit.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content  # shown, not editable
    staff_client.post(f"/admin/emotions/visit/{visit.pk}/delete/", {"post": "yes"})
    assert not Visit.objects.filter(pk=visit.pk).exists()
