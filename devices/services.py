"""Writes on devices: create one (with its token), record a heartbeat or a contact."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cameras.models import Camera
from devices.models import Device
from devices.tokens import device_token_hash, device_token_new


class DeviceRefused(Exception):
    """The device can't be created as asked; the message says why."""


@dataclass(frozen=True)
class DeviceCreated:
    device: Device
    token: str  # shown once; only its hash is stored


@transaction.atomic
def device_create(*, name: str, camera: Camera, new_token: bool = False) -> DeviceCreated:
    """A device for `camera` with a fresh token; an existing device of that name gets a new token
    only with `new_token` (its old token stops working)."""
    token = device_token_new()
    device = Device.objects.select_for_update().filter(name=name).first()
    if device is not None:
        if device.camera_id != camera.pk:
            raise DeviceRefused(f"device {name!r} exists for camera {device.camera.name!r}, not {camera.name!r}")
        if not new_token:
            raise DeviceRefused(f"device {name!r} exists; --new-token replaces its token (the old one stops working)")
        device.token_hash = device_token_hash(token)
        device.save(update_fields=["token_hash"])
        return DeviceCreated(device=device, token=token)
    if Device.objects.filter(camera=camera).exists():
        raise DeviceRefused(f"camera {camera.name!r} already has a device; one device per camera")
    device = Device(name=name, camera=camera, token_hash=device_token_hash(token))
    device.full_clean(exclude=["token_hash"])
    device.save()
    return DeviceCreated(device=device, token=token)


HEARTBEAT_FIELDS = ("state", "agent_version", "queued", "dropped", "fps", "frames", "model_sha256", "last_error")


def device_heartbeat_record(*, device: Device, **fields) -> Device:
    """What the device says about itself, and when it last spoke (one UPDATE)."""
    unknown = set(fields) - set(HEARTBEAT_FIELDS)
    if unknown:
        raise ValueError(f"not heartbeat fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(device, name, value)
    device.last_contact_at = timezone.now()
    Device.objects.filter(pk=device.pk).update(last_contact_at=device.last_contact_at, **fields)
    return device


def device_contact_record(*, device: Device) -> None:
    """Any authenticated request is a sign of life: at most one write per 10 seconds per device."""
    now = timezone.now()
    if device.last_contact_at is None or (now - device.last_contact_at).total_seconds() >= 10:
        device.last_contact_at = now
        Device.objects.filter(pk=device.pk).update(last_contact_at=now)
