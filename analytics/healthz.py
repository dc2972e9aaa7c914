"""GET /healthz: one JSON answer for the museum's monitoring (no login; nothing secret in it).

200 when the database and the broker answer and no enabled camera is stalled;
503 otherwise, with what is wrong. Cameras in `error` are listed but do not
fail the check (a camera whose stream is unplugged is the museum's to fix, not
a broken server); a stalled one does (its worker stopped making progress).
"""
from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cameras.models import Camera
from cameras.selectors import broker_reachable, camera_stalled_list, database_reachable


def _cameras_summary() -> dict:
    enabled = Camera.objects.filter(enabled=True)
    return {
        "enabled": enabled.count(),
        "stalled": list(camera_stalled_list().values("id", "name")),
        "error": list(enabled.filter(state=Camera.State.ERROR).values("id", "name")),
    }


@never_cache
@require_GET
def healthz(request):
    database = database_reachable()
    broker = broker_reachable()
    cameras = _cameras_summary() if database else None
    healthy = database and broker and not (cameras and cameras["stalled"])
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": "ok" if database else "unreachable",
        "broker": "ok" if broker else "unreachable",
        "cameras": cameras,
    }
    return JsonResponse(body, status=200 if healthy else 503)
