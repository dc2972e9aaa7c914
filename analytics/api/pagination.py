"""Cursor pagination for events and visits, strict about its own parameters.

Cursor, not page numbers: no COUNT(*) over millions of rows, and stable while
cameras keep appending. DRF's default quietly ignores a bad `page_size` (abc,
0, -5) and answers 404 to a bad `cursor`; here both are a 400 naming the
parameter, like every other query parameter of the API.
"""
from __future__ import annotations

from datetime import datetime

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 1000


def _bad(parameter: str, message: str) -> ValidationError:
    return ValidationError({parameter: [message]})


class StrictCursorPagination(CursorPagination):
    ordering = ("timestamp", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Items per page, 1..{MAX_PAGE_SIZE} (default 100); anything else is a 400."

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw.strip() == "":
            return self.page_size
        try:
            size = int(raw.strip())
        except ValueError:
            raise _bad("page_size", f"{raw!r} is not a whole number") from None
        if not 1 <= size <= self.max_page_size:
            raise _bad("page_size", f"{raw!r} is outside 1..{self.max_page_size}")
        return size

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except Exception:  # DRF's NotFound for a cursor that doesn't decode
            raise _bad("cursor", "is not a cursor this API gave out (follow `next`/`previous` as they are)") from None
        # The position is the time of the page's edge item; a forged one must not reach the query.
        if cursor is not None and cursor.position is not None:
            try:
                position = datetime.fromisoformat(cursor.position)
                # Far enough from year 1 and 9999 that the database's conversions can't overflow.
                problem = None if position.tzinfo and 1 < position.year < 9999 else "is out of range"
            except ValueError:
                problem = "is not a date-time"
            if problem:
                raise _bad("cursor", f"its position {problem}")
        return cursor


class EventCursorPagination(StrictCursorPagination):
    ordering = ("timestamp", "id")


class VisitCursorPagination(StrictCursorPagination):
    ordering = ("-started_at", "-id")
