"""Who may read and write: staff write, staff and the "viewer" group read, nobody else.

Anonymous requests get 401 (DRF answers NotAuthenticated with the token
challenge), signed-in users outside both groups get 403.
"""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from devices.authentication import request_device

# Created by the data migration analytics/migrations/0001_viewer_group.py.
VIEWER_GROUP = "viewer"


def user_can_read_reports(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_staff or user.groups.filter(name=VIEWER_GROUP).exists()


class StaffWritesViewersRead(BasePermission):
    message = "Reading needs a staff account or the 'viewer' group; writing needs a staff account."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            return user_can_read_reports(user)
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class DevicesIngest(StaffWritesViewersRead):
    """The ingest routes: StaffWritesViewersRead, and an edge device may POST (its own camera's rows)."""

    def has_permission(self, request, view) -> bool:
        if request.method == "POST" and request_device(request) is not None:
            return True
        return super().has_permission(request, view)
