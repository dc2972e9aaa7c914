"""create_dashboard_user: step 1 of the README's Node-RED steps works on a fresh install."""
from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def create(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_dashboard_user", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_it_creates_a_read_only_user_whose_token_reads_the_api():
    token, err = create()
    assert len(token) == 40 and "created read-only user 'dashboard'" in err
    user = get_user_model().objects.get(username="dashboard")
    assert not user.is_staff and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["viewer"]
    assert api(token).get("/api/analytics/summary/", {"fill_zeros": "true"}).status_code == 200
    assert api(token).post("/api/locations/", {"name": "Attic"}, format="json").status_code == 403


def test_it_reuses_the_user_and_its_token_and_replaces_the_token_when_asked():
    first, _ = create("wall-screen")
    again, err = create("wall-screen")
    assert again == first and "existing token" in err
    replaced, _ = create("wall-screen", "--new-token")
    assert replaced != first
    assert api(first).get("/api/analytics/summary/").status_code == 401
    assert api(replaced).get("/api/analytics/summary/").status_code == 200
    assert get_user_model().objects.filter(username="wall-screen").count() == 1


def test_it_adds_an_existing_plain_user_to_the_viewer_group():
    get_user_model().objects.create_user("kiosk", password="kiosk-pass-123")
    token, _ = create("kiosk")
    assert api(token).get("/api/analytics/summary/").status_code == 200


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"is_staff": True}, "is staff"), ({"is_active": False}, "is deactivated")],
)
def test_it_refuses_to_hand_out_tokens_of_staff_or_deactivated_users(fields, message):
    get_user_model().objects.create_user("admin2", password="x-pass-123", **fields)
    with pytest.raises(CommandError, match=message):
        create("admin2")
    assert not get_user_model().objects.get(username="admin2").groups.exists()
