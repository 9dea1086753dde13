"""`extract --save` never writes through a link (issue 27.1): a link in the record's place, even
one to nowhere, is "already exists", and no file outside the workspace is made or changed."""

from __future__ import annotations

import pytest

from ..attacks import no_traceback, run_handouts, snapshot, victims
from ..conftest import FIXTURES


@pytest.mark.parametrize("target", ["precious.txt", "new.yaml"])
def test_extract_save_refuses_a_link_in_the_records_place(make_workspace, tmp_path, target):
    root = make_workspace({"plimorasib.md": (FIXTURES / "cancergov" / "plimorasib.md").read_text()})
    outside = tmp_path / "outside"
    before = victims(outside)
    (root / "sources" / "plimorasib.yaml").symlink_to(outside / target)
    done = run_handouts("extract", "--save", "sources/plimorasib.md", cwd=root)
    no_traceback(done)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["error: sources/plimorasib.yaml: already exists: not overwritten "
                                        "(it may hold a pharmacist's edits)"]
    assert snapshot(outside) == before  # the link to nowhere made no file there


def test_extract_save_writes_a_new_record(make_workspace):
    root = make_workspace({"plimorasib.md": (FIXTURES / "cancergov" / "plimorasib.md").read_text()})
    done = run_handouts("extract", "--save", "sources/plimorasib.md", cwd=root)
    assert done.returncode == 0 and done.stdout.splitlines()[0] == "saved sources/plimorasib.yaml", done.stderr
    assert (root / "sources" / "plimorasib.yaml").read_text().startswith("# extracted from sources/plimorasib.md")
