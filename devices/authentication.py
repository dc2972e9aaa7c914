"""`Authorization: Device <token>`: an edge device, allowed only what its camera needs.

The request's user is a `DeviceUser`: authenticated, never staff, in no group, so
every route made for people answers it 403; the device routes and the ingest
check `request.auth` (the Device) and its camera instead. Wrong device tokens
count as failed sign-ins of the address, like wrong API tokens
(museum_site.login_throttle).
"""
from __future__ import annotations

from django.contrib.auth.models import Group
from rest_framework.exceptions import AuthenticationFailed

from devices.models import Device
from devices.services import device_contact_record
from devices.tokens import device_token_hash
from museum_site.login_throttle import ThrottledTokenAuthentication

DEVICE_KEYWORD = "Device"


class DeviceUser:
    """The user of a device's request: signed in, nothing else."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, device: Device):
        self.device = device
        self.username = f"device:{device.name}"

    @property
    def groups(self):
        return Group.objects.none()

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def __str__(self) -> str:
        return self.username


class DeviceTokenAuthentication(ThrottledTokenAuthentication):
    keyword = DEVICE_KEYWORD

    def authenticate_credentials(self, key):
        device = Device.objects.select_related("camera", "camera__location").filter(
            token_hash=device_token_hash(key)).first()
        if device is None:
            raise AuthenticationFailed("Invalid device token.")
        if not device.active:
            raise AuthenticationFailed("Device inactive or deleted.")
        device_contact_record(device=device)
        return DeviceUser(device), device


def request_device(request) -> Device | None:
    """The Device a request authenticated as, or None for people (token or session)."""
    return request.auth if isinstance(request.auth, Device) else None
