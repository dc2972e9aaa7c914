"""Reads for devices: the model a device should run, with its checksum."""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from devices.models import Device
from emotions import model_artifact
from emotions.models import ModelVersion
from emotions.services.model_versions import active_model_version_ensure, model_version_artifact_path


# Four missed heartbeats (every 15 s by default) and the device counts as offline.
OFFLINE_AFTER = timedelta(seconds=60)


def device_is_offline(device: Device, *, now: datetime | None = None) -> bool:
    """Not heard from for OFFLINE_AFTER (or never): the admin and the MQTT camera state say so."""
    return device.last_contact_at is None or device.last_contact_at < (now or timezone.now()) - OFFLINE_AFTER


@dataclass(frozen=True)
class DeviceModel:
    """The active model as a device downloads it: one .tflite and the spec that reads it."""

    version: ModelVersion
    variant: str
    path: Path
    size: int
    sha256: str
    spec: dict


_digests: dict[tuple[str, int, int], str] = {}
_digests_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, computed once per (path, size, mtime) in this process."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _digests_lock:
        if key in _digests:
            return _digests[key]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    with _digests_lock:
        _digests[key] = digest.hexdigest()
    return _digests[key]


def device_model_get() -> DeviceModel:
    """The active model version's default variant (int8 where the artifact has it), checksummed.

    Raises model_artifact.ArtifactError when the artifact's files are gone.
    """
    version = active_model_version_ensure()
    artifact_dir = model_version_artifact_path(model_version=version)
    spec = model_artifact.read_spec(artifact_dir)
    variant = spec.get("default_variant") or "float"
    path = model_artifact.tflite_path(artifact_dir, variant)
    if not path.is_file():
        raise model_artifact.ArtifactError(f"model file missing: {path}")
    # The device stores the one variant it downloads; its spec names it the default.
    return DeviceModel(version=version, variant=variant, path=path, size=path.stat().st_size,
                       sha256=file_sha256(path), spec={**spec, "default_variant": variant})
