"""The audit log: exports and downloads (who, which filters), privacy-setting changes (admin and API,
with the acting user) and purges; readable by staff in the admin, editable by nobody."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from analytics.models import PrivacyNotice
from cameras.models import LocationClosure
from emotions.models import AuditEntry
from tests.analytics.web_fixtures import staff_api  # noqa: F401
from tests.factories import CameraFactory, EmotionEventFactory, LocationFactory

pytestmark = pytest.mark.django_db


def _last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).order_by("-id").first()


def test_exports_are_logged_with_who_and_which_filters(staff_client, staff_api, tmp_path):
    event = EmotionEventFactory()
    assert staff_client.get("/reports/daily.csv?from=2026-06-01&to=2026-06-30").status_code == 200
    entry = _last("export")
    assert (entry.actor, entry.what) == ("staff", "reports: daily.csv")
    assert entry.details["filters"] == {"from": "2026-06-01", "to": "2026-06-30"}
    response = staff_api.get(f"/api/events.csv?location_id={event.location_id}")
    assert response.status_code == 200, response.content
    assert (_last("export").what, _last("export").details["filters"]) == (
        "API: events.csv", {"location_id": str(event.location_id)})
    call_command("export_emotion_log", str(tmp_path / "out.csv"), "--since", "2026-01-01")
    assert _last("export").actor == "manage.py export_emotion_log"
    assert "since" in _last("export").details["filters"]


def test_privacy_setting_changes_are_logged_with_the_user(staff_client, staff_api):
    camera = CameraFactory()
    zone = {"kind": "exclude", "points": [[0, 0], [1, 0], [1, 1]]}
    assert staff_api.patch(f"/api/cameras/{camera.pk}/", {"privacy_zones": [zone]}, format="json").status_code == 200
    entry = _last("privacy")
    assert entry.actor == "staff" and entry.details["changes"]["privacy_zones"]["old"] == []
    assert entry.details["changes"]["privacy_zones"]["new"] == [{"kind": "exclude",
                                                                 "points": [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]}]
    staff_api.patch(f"/api/cameras/{camera.pk}/", {"detect_every_n_frames": 4}, format="json")
    assert _last("privacy").pk == entry.pk  # not a privacy setting: not logged
    location = LocationFactory()
    response = staff_client.post(f"/admin/cameras/location/{location.pk}/change/", {
        "name": location.name, "floor": "1", "description": "", "staff_area": "on", "opening_hours": '{"mon": ["09:00-18:00"]}',
        **{f"{prefix}-{k}": v for prefix in ("exhibits", "cameras", "closures")
           for k, v in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}.items()},
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = _last("privacy").details["changes"]
    assert changes["staff_area"] == {"old": False, "new": True} and _last("privacy").actor == "staff"
    LocationClosure.objects.create(location=location, first_day="2026-12-25", last_day="2026-12-26", reason="Natale")
    assert "closure saved" in _last("privacy").what
    notice = PrivacyNotice.objects.create()
    notice.dpo_contact = "dpo@museo.it"
    notice.save()
    assert _last("privacy").details["changes"]["dpo_contact"]["new"] == "dpo@museo.it"


def test_staff_read_the_log_in_the_admin_and_nobody_edits_it(staff_client):
    call_command("purge_expired")
    entry = _last("purge")
    listing = staff_client.get("/admin/emotions/auditentry/")
    assert listing.status_code == 200 and "Retention purge" in listing.content.decode()
    assert staff_client.get("/admin/emotions/auditentry/add/").status_code == 403
    assert staff_client.post(f"/admin/emotions/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
