"""The treatment calendar: the days an order states, and never a day it does not."""

from __future__ import annotations

import datetime as dt

from handouts import i18n
from handouts.page import calendar
from handouts.page.calendar import Schedule

START = dt.date(2026, 3, 2)


def days(**fields):
    return [(d - START).days + 1 for d in calendar.dose_days(Schedule(start=START, **fields))]


def test_days_of_each_cycle_repeat_for_the_cycles_ordered():
    assert days(days_of_cycle=tuple(range(1, 15)), cycle_days=21, cycles=2) == [*range(1, 15), *range(22, 36)]


def test_days_of_a_cycle_with_no_count_or_end_are_drawn_for_the_first_cycle_only():
    assert days(days_of_cycle=(1, 8), cycle_days=21) == [1, 8]


def test_cycles_stop_at_the_orders_end():
    assert days(days_of_cycle=(1, 8, 15), cycle_days=21, end=START + dt.timedelta(days=30)) == [1, 8, 15, 22, 29]


def test_once_every_21_days_for_four_doses():
    assert days(every_days=21, doses=4) == [1, 22, 43, 64]


def test_an_open_ended_series_marks_only_its_first_dose():
    assert days(every_days=21) == [1]


def test_every_day_needs_an_end():
    assert days(times_per_day=2) == []
    assert days(times_per_day=1, end=START + dt.timedelta(days=2)) == [1, 2, 3]


def test_no_start_no_calendar():
    assert calendar.dose_days(Schedule(times_per_day=2, days_of_cycle=(1, 2), cycle_days=21)) == []
    assert calendar.drug_calendar("x", Schedule(times_per_day=2), None, i18n.language("en")) is None


def test_the_very_days_of_timing_event():
    events = (dt.date(2026, 3, 9), dt.date(2026, 3, 2))
    assert calendar.dose_days(Schedule(events=events)) == sorted(events)


def test_captions_say_what_the_grid_shows_in_the_language():
    s = Schedule(start=START, days_of_cycle=(1, 2, 3, 8, 15, 16), cycle_days=28, cycles=1, times_per_day=1)
    assert calendar.caption(s, i18n.language("en")) == "Days 1-3, 8, 15-16 of each 28-day cycle, 1 cycle, 1 time a day"
    assert calendar.caption(s, i18n.language("es")) == "Días 1-3, 8, 15-16 de cada ciclo de 28 días, 1 ciclo, 1 vez al día"


def test_at_most_three_months_are_drawn_and_the_rest_is_said():
    drawn = calendar.drug_calendar("x", Schedule(start=START, every_days=21, doses=10), None, i18n.language("en"))
    assert [m.month for m in drawn.months] == [3, 4, 5] and drawn.more
    assert drawn.months[0].marked == {2, 23}


def test_the_week_starts_where_the_language_is_most_used():
    """Sunday in English (the US) and US Spanish, Monday in Spanish (Spain)."""
    first = START.replace(day=1)  # 1 March 2026 is a Sunday
    for code, weekday, week in (("en", "Su", (1, 2, 3, 4, 5, 6, 7)), ("es", "LU", (0, 0, 0, 0, 0, 0, 1)),
                                ("es_US", "DO", (1, 2, 3, 4, 5, 6, 7))):
        drawn = calendar.drug_calendar("x", Schedule(events=(first,)), None, i18n.language(code))
        assert (drawn.months[0].weekdays[0].upper(), drawn.months[0].weeks[0]) == (weekday.upper(), week), code
