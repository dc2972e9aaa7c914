"""Which emotion_log.csv dialect a file is written in: the prototype's, or a spreadsheet's.

The prototype wrote `,`-separated rows with decimal points. Spreadsheets set to a
language that writes decimal commas (Italian, German, French Excel...) save
"CSV" as `;`-separated rows with decimal commas, often with a UTF-8 BOM:

    Timestamp;CameraLocation;Emotion;Confidence
    2025-11-25 14:03:07.412;Exhibit Hall A;Happy;0,87

The delimiter is found from the header (the one that splits it into the four
legacy columns); the decimal mark follows it (`;` -> `,`) unless given. With a
decimal comma a decimal point is read too: confidences are between 0 and 1, so
there is no thousands separator to confuse it with.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass

DELIMITERS = (",", ";")
DECIMALS = (".", ",")


@dataclass(frozen=True)
class LegacyDialect:
    delimiter: str = ","
    decimal: str = "."

    def number_text(self, text: str) -> str:
        """A Confidence field as Python's float() reads it."""
        return text.replace(",", ".") if self.decimal == "," else text


class LegacyDialectError(ValueError):
    """The delimiter/decimal asked for can't describe the file (or each other)."""


def _splits_into_columns(header_line: str, delimiter: str, columns: tuple[str, ...]) -> bool:
    fields = next(csv.reader([header_line], delimiter=delimiter), [])
    return set(columns) <= {field.strip() for field in fields}


def legacy_dialect(
    header_line: str, *, columns: tuple[str, ...], delimiter: str | None = None, decimal: str | None = None
) -> LegacyDialect:
    """The dialect for a file whose first line is `header_line` (BOM already removed).

    `delimiter`/`decimal` None: detected. Contradictions raise LegacyDialectError;
    a header that fits no delimiter is left to the column check, which names what is missing.
    """
    if delimiter is not None and delimiter not in DELIMITERS:
        raise LegacyDialectError(f"--delimiter must be ',' or ';', not {delimiter!r}")
    if decimal is not None and decimal not in DECIMALS:
        raise LegacyDialectError(f"--decimal must be '.' or ',', not {decimal!r}")
    if delimiter == "," and decimal == ",":
        raise LegacyDialectError(
            "--decimal ',' needs --delimiter ';': in a ','-separated file a decimal comma splits the Confidence field"
        )
    fitting = [d for d in DELIMITERS if _splits_into_columns(header_line, d, columns)]
    if delimiter is None:
        delimiter = fitting[0] if len(fitting) == 1 else ","
    elif fitting and delimiter not in fitting:
        raise LegacyDialectError(
            f"--delimiter {delimiter!r} does not split the header {header_line.strip()!r} into "
            f"{', '.join(columns)}; it is {fitting[0]!r}-separated (leave --delimiter out to detect it)"
        )
    if decimal is None:
        decimal = "," if delimiter == ";" else "."
    elif decimal == "," and delimiter == ",":
        raise LegacyDialectError(
            "--decimal ',' needs a ';'-separated file: this one is ','-separated, "
            "where a decimal comma splits the Confidence field"
        )
    return LegacyDialect(delimiter=delimiter, decimal=decimal)
