"""Request bodies too large for the API: a 413 in JSON, naming the limit, never Django's bare HTML 400.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig, a
SuspiciousOperation) when DRF's JSON parser reads it; DRF would let that
through to Django's plain "Bad Request (400)" page. The ingest checks its own,
documented limits (INGEST_MAX_BYTES, INGEST_MAX_ITEMS) before that, from the
declared Content-Length, so a device learns both limits without sending more.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """DRF's handler, plus RequestDataTooBig -> 413 {"detail"} (REST_FRAMEWORK's EXCEPTION_HANDLER)."""
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return exception_handler(exc, context)


def ingest_too_large_response(detail: str, **received) -> Response:
    """413 naming both ingest limits, and what was received (received_items or received_bytes)."""
    limits = {"max_items": settings.INGEST_MAX_ITEMS, "max_bytes": settings.INGEST_MAX_BYTES}
    return Response({"detail": detail, **limits, **received}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


def ingest_body_too_large(request) -> Response | None:
    """A 413 for a body declared larger than INGEST_MAX_BYTES, before a byte of it is read; else None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= settings.INGEST_MAX_BYTES:
        return None
    return ingest_too_large_response(
        f"the body is {length} bytes; at most {settings.INGEST_MAX_BYTES} bytes and "
        f"{settings.INGEST_MAX_ITEMS} items per request (INGEST_MAX_BYTES, INGEST_MAX_ITEMS): "
        "send the events in several requests; nothing was stored",
        received_bytes=length,
    )
