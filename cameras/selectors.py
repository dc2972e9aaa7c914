"""Reads about cameras' health: what the admin, the camera status API and /healthz show,
including whether the database and the broker the camera workers need answer right now."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from cameras.models import Camera

# Shown, never stored: a running camera whose worker stopped showing progress.
STALLED = "stalled"
# States in which the worker is expected to make progress.
_PROGRESSING = (Camera.State.STARTING, Camera.State.RUNNING)


def _stall_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=float(settings.CAMERA_STALL_SECONDS))


def camera_is_stalled(camera: Camera, *, now: datetime | None = None) -> bool:
    """Enabled, meant to be running, and no heartbeat (nor any status) for CAMERA_STALL_SECONDS."""
    if not camera.enabled or camera.state not in _PROGRESSING:
        return False
    seen = max((t for t in (camera.heartbeat_at, camera.status_updated_at) if t is not None), default=None)
    return seen is None or seen < _stall_cutoff(now)


def camera_health_state(camera: Camera, *, now: datetime | None = None) -> str:
    """The camera's state as the operator should see it: its stored state, or `stalled`."""
    return STALLED if camera_is_stalled(camera, now=now) else camera.state


def camera_stalled_list(*, now: datetime | None = None) -> QuerySet[Camera]:
    """Every stalled camera, in one query (for /healthz)."""
    cutoff = _stall_cutoff(now)
    never_seen = Q(heartbeat_at__isnull=True) & (Q(status_updated_at__isnull=True) | Q(status_updated_at__lt=cutoff))
    old_heartbeat = Q(heartbeat_at__lt=cutoff) & (Q(status_updated_at__isnull=True) | Q(status_updated_at__lt=cutoff))
    return Camera.objects.filter(enabled=True, state__in=_PROGRESSING).filter(never_seen | old_heartbeat)


# Short: a health check must answer quickly, and say "down" rather than hang.
BROKER_TIMEOUT_SECONDS = 1.0


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        connection.close()  # a broken connection must not fail this process's next request too
        return False


def broker_reachable() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
                                      socket_timeout=BROKER_TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return False


# Below this share of its target a camera "cannot keep its analysis rate" (measurement noise stays under it).
RATE_TOLERANCE = 0.9


def camera_rate_problem(camera: Camera) -> str:
    """Why the camera's last segment analysed fewer frames a second than it should, or "".

    The target is `analysis_fps` (0: every frame the stream sends). The stream is to blame when it
    delivered fewer frames than the target; otherwise analysing took longer than the interval
    between analyses (the server's CPU). Nothing is said before a segment has measured the rates,
    nor for a file replayed as fast as it can be read (its rates are not the camera's).
    """
    if camera.state not in (Camera.State.RUNNING, Camera.State.RECONNECTING) or camera.input_fps <= 0:
        return ""
    if camera.source_kind == Camera.SourceKind.FILE and not camera.analysis_source and not camera.replay_realtime:
        return ""
    target = camera.analysis_fps or camera.input_fps
    if camera.fps >= RATE_TOLERANCE * target:
        return ""
    if camera.analysis_fps and camera.input_fps < RATE_TOLERANCE * camera.analysis_fps:
        return (f"stream: it sends {camera.input_fps:.1f} fps, below the analysis rate of "
                f"{camera.analysis_fps} fps")
    return (f"CPU: analysis takes longer than the {1000.0 / target:.0f} ms interval "
            f"({camera.fps:.1f} of {target:.1f} fps analysed)")
