"""Writes that belong to analytics: the read-only dashboard login Node-RED polls the API with."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from analytics.api.permissions import VIEWER_GROUP

DASHBOARD_USERNAME = "dashboard"


class DashboardUserRefused(ValueError):
    """The name belongs to a login that must not get a read-only dashboard token."""


@dataclass(frozen=True)
class DashboardUser:
    username: str
    token: str
    user_created: bool
    token_created: bool


@transaction.atomic
def dashboard_user_create(*, username: str = DASHBOARD_USERNAME, new_token: bool = False) -> DashboardUser:
    """Create (or reuse) a read-only API login in the `viewer` group and return its token.

    A new user has no password (it signs in with the token only) and no staff
    rights. An existing staff or inactive user is refused rather than turned
    into a dashboard login. `new_token` replaces the token (the old one stops working).
    """
    username = username.strip()
    if not username:
        raise DashboardUserRefused("the user name must not be empty")
    user_model = get_user_model()
    user = user_model.objects.select_for_update().filter(username=username).first()
    user_created = user is None
    if user_created:
        user = user_model(username=username)
        user.set_unusable_password()
        user.save()
    elif user.is_staff or user.is_superuser:
        raise DashboardUserRefused(
            f"user {username!r} is staff: its token could change the museum's data; "
            "choose another name for a read-only dashboard login"
        )
    elif not user.is_active:
        raise DashboardUserRefused(f"user {username!r} is deactivated; reactivate it in the admin or choose another name")
    viewers, _ = Group.objects.get_or_create(name=VIEWER_GROUP)
    user.groups.add(viewers)
    if new_token:
        Token.objects.filter(user=user).delete()
    token, token_created = Token.objects.get_or_create(user=user)
    return DashboardUser(username=username, token=token.key, user_created=user_created, token_created=token_created)
