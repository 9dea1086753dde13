"""When source information is next due for review, from its last review and how often it is reviewed."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from . import Source

# Months between reviews for the ways sources say how often they are reviewed.
_MONTHS = {
    "monthly": 1, "quarterly": 3, "biannually": 6, "semiannually": 6, "semi-annually": 6,
    "half-yearly": 6, "annually": 12, "annual": 12, "yearly": 12, "biennially": 24,
}


def months_between_reviews(frequency: str | None) -> int | None:
    if not frequency:
        return None
    text = frequency.strip().lower()
    if text in _MONTHS:
        return _MONTHS[text]
    match = re.fullmatch(r"(?:every\s+)?(\d+)\s*(month|year)s?", text)
    if match:
        return int(match[1]) * (12 if match[2] == "year" else 1)
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(source: Source) -> dt.date | None:
    """The day this source's information should be checked again, if it says enough to know."""
    months = months_between_reviews(source.review_frequency)
    if source.last_reviewed is None or months is None:
        return None
    return add_months(source.last_reviewed, months)


def next_due(sources: list[Source]) -> dt.date | None:
    dates = [d for d in map(due_date, sources) if d]
    return min(dates, default=None)


def newest_review(sources: list[Source]) -> dt.date | None:
    return max((s.last_reviewed for s in sources if s.last_reviewed), default=None)
