"""Shared fixtures: where the real seed documents and the cancer.gov corpus are, when they exist."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("HANDOUTS_SHARED", REPO.parent / "shared"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def seeds_dir() -> Path:
    """../shared/seeds: the three real documents the project started from (skip where absent)."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"no seed documents at {path}")
    return path


def seed(seeds_dir: Path, number: str) -> Path:
    """The seed whose name starts with ``number`` ("000", "001", "002")."""
    matches = sorted(seeds_dir.glob(f"{number}_*"))
    if not matches:
        pytest.skip(f"seed {number} not in {seeds_dir}")
    return matches[0]


def shared_corpus(name: str, what: str) -> Path:
    """../shared/corpus/NAME, or a clean skip where it is absent."""
    path = SHARED / "corpus" / name
    if not path.is_dir():
        pytest.skip(f"no {what} corpus at {path}")
    return path


@pytest.fixture
def nci_dir() -> Path:
    """../shared/corpus/nci: real cancer.gov pages."""
    return shared_corpus("nci", "cancer.gov")


@pytest.fixture
def fda_dir() -> Path:
    """../shared/corpus/fda: real FDA labels (see its README)."""
    return shared_corpus("fda", "FDA")


@pytest.fixture(autouse=True)
def no_weasyprint_warnings():
    """WeasyPrint reports missing fonts, bad CSS and missing images as log warnings: fail on any."""
    from handouts.pdf.render import collected_warnings

    messages: list[str] = []
    with collected_warnings(messages):
        yield messages
    assert not messages, f"WeasyPrint warned: {messages}"


@pytest.fixture
def make_workspace(tmp_path):
    """A fresh workspace holding the given source files: make_workspace({"x.yaml": text, ...})."""

    def make(files: dict[str, str | bytes], name: str = "ws") -> Path:
        root = tmp_path / name
        (root / "sources").mkdir(parents=True)
        for filename, content in files.items():
            target = root / "sources" / filename
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def shipped_workspace(tmp_path) -> Path:
    """A copy of the repository's own workspace: its sources/ (the shipped example drugs)."""
    import shutil

    root = tmp_path / "shipped"
    shutil.copytree(REPO / "sources", root / "sources")
    return root
