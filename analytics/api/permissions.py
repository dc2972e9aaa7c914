"""Who may read and write: staff write, staff and the "viewer" group read, nobody else.

Anonymous requests get 401 (DRF answers NotAuthenticated with the token
challenge), signed-in users outside both groups get 403.
"""
from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

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
