"""Shared helpers for the FHIR patient-packet tests: a workspace of the fixture drugs, the CLI, and
reading a treatment calendar back from the PDF."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pdfplumber
from click.testing import CliRunner

from handouts.cli import cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fhir"
BUNDLE = FIXTURES / "spanish-three-drugs.json"
# The fixture patient's name (fictional): it must reach the cover and nothing else.
NAME_PARTS = ("Zelmira", "Quintanilla")


def workspace(folder: Path) -> Path:
    """A workspace holding the fixture drugs (three fictional drugs, each in English and Spanish)."""
    shutil.copytree(FIXTURES / "sources", folder / "sources")
    return folder


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


class Collected(logging.Handler):
    """Every log record of the run, at any level: no patient's name may be in one."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def calendar_days(pdf: Path, drug: str) -> dict[str, set[int]]:
    """The days marked (bold, on a filled square) in each month of ``drug``'s calendar, read from the
    PDF: {"Marzo": {2, 3, ...}}. A month caption is two words (name, year) in bold below the drug's heading."""
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            words = page.extract_words(extra_attrs=["fontname"])
            heading = next((w for w in words if w["text"] == drug and "Bold" in w["fontname"]), None)
            if heading is None:
                continue
            below = [w for w in words if w["top"] > heading["top"] + 1]
            stop = next((w["top"] for w in below if "Bold" in w["fontname"] and w["text"].istitle()
                         and w["x0"] < heading["x0"] + 2 and not _is_month(w, below)), None)
            region = [w for w in below if stop is None or w["top"] < stop]
            captions = [w for w in region if _is_month(w, region)]
            if not captions:
                return {}
            first = min(c["top"] for c in captions)
            marked: dict[str, set[int]] = {c["text"]: set() for c in captions}
            for word in region:
                if word["top"] <= first or not word["text"].isdigit() or len(word["text"]) > 2:
                    continue
                month = max((c for c in captions if c["x0"] <= word["x0"] + 3), key=lambda c: c["x0"])
                if "Bold" in word["fontname"]:
                    marked[month["text"]].add(int(word["text"]))
            return marked
    raise AssertionError(f"no calendar for {drug} in {pdf}")


def _is_month(word, words) -> bool:
    """A caption: a bold title-case word followed on its line by a four-digit bold year."""
    return "Bold" in word["fontname"] and word["text"].istitle() and any(
        w["text"].isdigit() and len(w["text"]) == 4 and abs(w["top"] - word["top"]) < 1 and w["x0"] > word["x0"]
        for w in words)
