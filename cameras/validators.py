"""Checks shared by the names staff type (admin, API) and names that arrive in files (CSV import)."""
from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

# Control characters (C0 incl. TAB/CR/LF, DEL, C1) and the Unicode line/paragraph
# separators: in a name they break CSV rows, log lines, chart labels and look-ups by name.
_FORBIDDEN_CATEGORIES = {"Cc", "Zl", "Zp"}


def control_character_problem(text: str) -> str | None:
    """Why `text` can't be a name (the first control character, by code point), or None."""
    for position, char in enumerate(text):
        if unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            return f"must not contain control characters (found U+{ord(char):04X} at position {position + 1})"
    return None


def reject_control_characters(value: str) -> None:
    """Model field validator: runs in admin forms and DRF serializers alike."""
    if problem := control_character_problem(value):
        raise ValidationError(f"Names {problem}; use plain text on one line.", code="control_characters")
