"""A treatment calendar: the days an order says a medicine is taken, as month grids.

Only what the order states is drawn: a start date and either the very days (timing.event), the
days of each cycle (the timing-daysOfCycle extension, the cycle's length from the regimen), "once
every N days" with a number of doses or an end, or every day up to an end. An order that states
none of these gets no calendar: the days are never guessed.
"""

from __future__ import annotations

import calendar as stdcalendar
import datetime as dt
from dataclasses import dataclass

from ..i18n import N_, Language

# Months drawn at most for one medicine: a year of cycles would be a booklet, not a page.
MAX_MONTHS = 3


@dataclass(frozen=True)
class Schedule:
    """What an order states about when a medicine is taken (plain data from the FHIR reader)."""

    start: dt.date | None = None
    end: dt.date | None = None
    times_per_day: int | None = None
    every_days: int | None = None
    doses: int | None = None
    days_of_cycle: tuple[int, ...] = ()
    events: tuple[dt.date, ...] = ()
    cycle_days: int | None = None
    cycles: int | None = None


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    title: str  # "March 2026", in the page's language
    weekdays: tuple[str, ...]  # column heads, from the language's first day of the week
    weeks: tuple[tuple[int, ...], ...]  # day numbers; 0 outside the month
    marked: frozenset[int]


@dataclass(frozen=True)
class DrugCalendar:
    name: str
    caption: str  # "Days 1-14 of each 21-day cycle, 2 times a day"
    order_text: str | None  # the order's own dosing words, as written in the EHR
    months: tuple[Month, ...]
    more: bool  # days past the months drawn


def dose_days(s: Schedule) -> list[dt.date]:
    """The days the order says the medicine is taken; [] when it does not say."""
    if s.events:
        return sorted(s.events)
    if s.start is None:
        return []
    if s.days_of_cycle:
        cycles = s.cycles or (None if s.end and s.cycle_days else 1)
        length = s.cycle_days or 0
        days, c = [], 0
        while (cycles is None or c < cycles) and c < 60:
            for d in s.days_of_cycle:
                day = s.start + dt.timedelta(days=c * length + d - 1)
                if s.end is None or day <= s.end:
                    days.append(day)
            if not length or (s.end and s.start + dt.timedelta(days=(c + 1) * length) > s.end):
                break
            c += 1
        return sorted(set(days))
    if s.every_days:
        if not s.doses and not s.end:
            return [s.start]  # the first dose is stated; when the series ends is not
        count = s.doses or ((s.end - s.start).days // s.every_days + 1)
        days = [s.start + dt.timedelta(days=n * s.every_days) for n in range(min(count, 400))]
        return [d for d in days if s.end is None or d <= s.end]
    if s.times_per_day and s.end and s.end >= s.start:
        return [s.start + dt.timedelta(days=n) for n in range(min((s.end - s.start).days + 1, 400))]
    return []


def caption(s: Schedule, language: Language) -> str:
    """The schedule in words, from the same facts the grid is drawn from."""
    parts = []
    if s.days_of_cycle and s.cycle_days:
        parts.append(language.gettext(N_("Days %(days)s of each %(length)s-day cycle"))
                     % {"days": day_ranges(s.days_of_cycle), "length": s.cycle_days})
    elif s.days_of_cycle:
        parts.append(language.gettext(N_("Days %(days)s")) % {"days": day_ranges(s.days_of_cycle)})
    elif s.every_days:
        parts.append(language.gettext(N_("Once every %(n)s days")) % {"n": s.every_days})
    if s.cycles:
        parts.append(language.ngettext("%(n)s cycle", "%(n)s cycles", s.cycles) % {"n": s.cycles})
    if s.doses:
        parts.append(language.ngettext("%(n)s dose", "%(n)s doses", s.doses) % {"n": s.doses})
    if s.times_per_day:
        parts.append(language.ngettext("%(n)s time a day", "%(n)s times a day", s.times_per_day)
                     % {"n": s.times_per_day})
    return ", ".join(parts)


def day_ranges(days: tuple[int, ...]) -> str:
    """(1, 2, 3, 8, 15, 16) as "1-3, 8, 15-16"."""
    out, run = [], [days[0]]
    for day in days[1:]:
        if day == run[-1] + 1:
            run.append(day)
        else:
            out.append(run)
            run = [day]
    out.append(run)
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in out)


def drug_calendar(name: str, s: Schedule, order_text: str | None, language: Language) -> DrugCalendar | None:
    """The medicine's month grids, or None when the order states no days."""
    days = dose_days(s)
    if not days:
        return None
    first = days[0].replace(day=1)
    months = []
    year, month = first.year, first.month
    while len(months) < MAX_MONTHS and dt.date(year, month, 1) <= days[-1]:
        months.append(_month(year, month, days, language))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return DrugCalendar(name, caption(s, language), order_text, tuple(months), more=dt.date(year, month, 1) <= days[-1])


def _month(year: int, month: int, days: list[dt.date], language: Language) -> Month:
    from babel.dates import format_date, get_day_names

    names = get_day_names("short", locale=language.code)  # "Mo", "lu": a narrow column
    first = _first_weekday(language.code)
    return Month(
        year=year, month=month,
        title=format_date(dt.date(year, month, 1), "LLLL y", locale=language.code).capitalize(),
        weekdays=tuple(names[(first + i) % 7] for i in range(7)),
        weeks=tuple(tuple(w) for w in stdcalendar.Calendar(firstweekday=first).monthdayscalendar(year, month)),
        marked=frozenset(d.day for d in days if (d.year, d.month) == (year, month)),
    )


def _first_weekday(code: str) -> int:
    """The week's first day (0 Monday, 6 Sunday) where the language is most used when no region is
    given: Sunday for "en" (the US) and "es_US", Monday for "es" (Spain)."""
    from babel import Locale
    from babel.core import get_global

    locale = Locale.parse(code)
    if locale.territory is None:
        locale = Locale.parse(get_global("likely_subtags").get(locale.language, code))
    return locale.first_week_day
