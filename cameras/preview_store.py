"""Where a camera's blurred preview lives for a few seconds: Redis with an expiry, or this process's memory.

The preview (worker/pipeline/preview.py: every face blurred, zones drawn) is the only
image the product keeps anywhere, and only here: never on disk, never in the
database. In Redis it is one key per camera, `museum:privacy-preview:camera:<id>`,
set with SETEX so it expires PRIVACY_PREVIEW_SECONDS after the last refresh; the
privacy scan test knows this key and checks that what is there is blurred and expiring.
Staff asking for a preview set a request key (same expiry); a running camera worker
refreshes the preview only while someone is asking.

PRIVACY_PREVIEW_URL: `redis://...` (default: the broker), or `memory://` when the
camera runs in the web server's own process (embedded tests, a single-process demo).
"""
from __future__ import annotations

import threading
import time

import redis
from django.conf import settings

PREVIEW_KEY = "museum:privacy-preview:camera:{}"
REQUEST_KEY = "museum:privacy-preview-request:camera:{}"

_memory: dict[str, tuple[float, bytes]] = {}
_memory_lock = threading.Lock()


def preview_seconds() -> int:
    return int(getattr(settings, "PRIVACY_PREVIEW_SECONDS", 30))


def _url() -> str:
    return getattr(settings, "PRIVACY_PREVIEW_URL", "") or settings.CELERY_BROKER_URL


def _redis() -> redis.Redis:
    return redis.Redis.from_url(_url(), socket_timeout=2, socket_connect_timeout=2)


def _put(key: str, value: bytes) -> None:
    if _url().startswith("memory://"):
        with _memory_lock:
            _memory[key] = (time.monotonic() + preview_seconds(), value)
        return
    _redis().set(key, value, ex=preview_seconds())


def _get(key: str) -> bytes | None:
    if _url().startswith("memory://"):
        with _memory_lock:
            expires, value = _memory.get(key, (0.0, b""))
            if expires <= time.monotonic():
                _memory.pop(key, None)
                return None
            return value
    return _redis().get(key)


def preview_request(camera_id: int) -> None:
    """Staff are looking: the camera's worker refreshes the preview while this holds."""
    _put(REQUEST_KEY.format(camera_id), b"1")


def preview_requested(camera_id: int) -> bool:
    return _get(REQUEST_KEY.format(camera_id)) is not None


def preview_put(camera_id: int, jpeg: bytes) -> None:
    _put(PREVIEW_KEY.format(camera_id), jpeg)


def preview_get(camera_id: int) -> bytes | None:
    return _get(PREVIEW_KEY.format(camera_id))
