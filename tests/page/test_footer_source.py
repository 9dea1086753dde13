"""The footer credits a source's publisher, never the drug (issue 29: "Sources: azacitidine")."""

from __future__ import annotations

import pytest

from handouts.page.content import _source_lines
from handouts.record import Source

from .. import pdfread
from ..helpers import FIXTURES, run_build


def test_a_sheet_without_a_publisher_is_credited_as_a_patient_drug_sheet(make_workspace):
    sheet = (FIXTURES / "sheet" / "zelvorin_no_brands.txt").read_text(encoding="utf-8")
    root = make_workspace({"zelvorin.txt": f"zelvorin\n\n{sheet}"})
    result = run_build(root)
    assert result.exit_code == 0, result.output
    text = pdfread.text(root / "out" / "zelvorin.pdf")
    assert "Sources: patient drug sheet (reviewed November 2, 2025)." in text
    assert "Sources: zelvorin" not in text


@pytest.mark.parametrize(("source", "printed"), [
    (Source("s", "s.txt", "patient-sheet", title="Zelvorin"), "patient drug sheet"),
    (Source("s", "s.txt", "patient-sheet", title="Zelvora"), "patient drug sheet"),  # the brand is the drug too
    (Source("s", "s.txt", "patient-sheet", publisher="Altai Oncology", title="zelvorin"), "Altai Oncology"),
    (Source("s", "s.txt", "yaml", title="zelvorin (patient drug sheet)"), "zelvorin (patient drug sheet)"),
    (Source("s", "sources/zelvorin.txt", "yaml", title="zelvorin"), "zelvorin.txt"),
])
def test_a_source_is_named_by_its_publisher_or_title_never_by_the_drug(source, printed):
    [line] = _source_lines([source], ("zelvorin", "Zelvora"))
    assert line.publisher == printed
