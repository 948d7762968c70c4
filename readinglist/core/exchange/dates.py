"""Publication dates as the formats give them, to and from ``Field.PUBLISHED``.

``Field.PUBLISHED`` holds an ISO date exactly as precise as its source (``2017``,
``2017-06``, ``2017-06-08``); each format's parts are checked here so that a
value no calendar has (month 13, June 31) is never stored.
"""

from __future__ import annotations

import calendar
import re
from typing import Final

from readinglist.core.metadata import partial_date

MONTH_MACROS: Final = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
)  # fmt: skip
_YEAR: Final = re.compile(r"(?a)\s*([0-9]{4})\s*")


def published(year: object, month: object = None, day: object = None) -> str | None:
    """``(2017, 6, 8)`` -> ``'2017-06-08'``; parts beyond the first missing or wrong one
    are left out (a day without a month means nothing); None without a valid year."""
    y = _number(year)
    if y is None or not 1000 <= y <= 9999:
        return None
    m = _number(month)
    if m is None or not 1 <= m <= 12:
        return f"{y:04d}"
    d = _number(day)
    if d is None or not 1 <= d <= calendar.monthrange(y, m)[1]:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    return None


def year_of(text: str) -> str | None:
    """A BibTeX ``year``: four digits and nothing else (``2017``, ``{2017}``)."""
    found = _YEAR.fullmatch(text)
    return found.group(1) if found else None


def month_of(text: str) -> int | None:
    """A BibTeX ``month``: ``jun``, ``June``, ``Jun.``, ``6`` or ``06``."""
    value = text.strip().rstrip(".").lower()
    if value.isdigit() and value.isascii():
        number = int(value)
        return number if 1 <= number <= 12 else None
    for number, macro in enumerate(MONTH_MACROS, start=1):
        if len(value) >= 3 and (value == macro or calendar.month_name[number].lower() == value):
            return number
    return None


def iso_date(text: str) -> str | None:
    """A biblatex ``date`` (``2017-06-08``; a range ``2017/2018`` gives its start), a
    checked calendar date or None."""
    start = text.strip().split("/", 1)[0].strip()
    if partial_date(start) is None:
        return None
    return published(*start.split("-"))
