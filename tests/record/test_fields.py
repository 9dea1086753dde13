"""The table of the record's fields: complete, and the same limits for every printed list."""

from __future__ import annotations

import dataclasses

import pytest

from handouts.errors import InputError
from handouts.record import DrugRecord, Item, limits
from handouts.record.fields import FIELDS, ITEM, ITEMS, OTHER, SHOW_ORDER


def test_every_field_of_the_record_is_in_the_table_in_its_order():
    assert [f.name for f in dataclasses.fields(DrugRecord)] == [f.name for f in FIELDS]


def test_each_field_says_what_it_holds():
    types = {f.name: f.type for f in dataclasses.fields(DrugRecord)}
    for field in FIELDS:
        expected = {"Item | None": ITEM, "list[Item]": ITEMS}.get(types[field.name], OTHER)
        assert field.kind == expected, field.name
        assert (field.tier in SHOW_ORDER) if field.kind != OTHER else field.tier is None, field.name


@pytest.mark.parametrize("tier", ["urgent_signs", "emergency_signs"])
def test_emergency_signs_are_held_to_the_limits_of_urgent_signs(tier):
    record = DrugRecord("bigamab", **{tier: [Item("word " * 800, "big.txt") for _ in range(300)]})
    with pytest.raises(InputError) as error:
        limits.check_record(record, "sources/big.txt")
    assert str(error.value) == f"sources/big.txt: {tier}: 300 items, more than the limit of 200 for one section"


def test_emergency_signs_count_towards_the_record_total():
    record = DrugRecord("bigamab", emergency_signs=[Item("word " * 800, "big.txt") for _ in range(20)])
    with pytest.raises(InputError, match="80,000 characters of text, more than the limit of 50,000"):
        limits.check_record(record, "sources/big.txt")


def test_the_preview_marks_the_source_of_every_printed_tier():
    from handouts.serve import mark_sources

    record = DrugRecord("zorbamab", emergency_signs=[Item("Trouble breathing.", "sheet.md")],
                        urgent_signs=[Item("A fever.", "label.xml")])
    page = mark_sources("<html><head></head><body><p>Trouble breathing.</p><p>A fever.</p></body></html>", record, [], 1)
    assert 'Trouble breathing.<span class="handouts-source" title="sheet.md">' in page
    assert 'A fever.<span class="handouts-source" title="label.xml">' in page
