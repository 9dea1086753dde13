"""A workspace where no drug could be read: every command ends in one line, never a traceback."""

from __future__ import annotations

import pytest

from tests.helpers import invoke


@pytest.mark.parametrize("command", [("show", "zentomab"), ("extract", "zentomab"), ("build", "zentomab"), ("build",)])
def test_no_traceback_when_no_drug_is_readable(make_workspace, command):
    root = make_workspace({"notes.txt": "nothing a reader knows\n"})
    result = invoke(*command, cwd=root)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    if command[0] in ("show", "build") and len(command) > 1:
        assert "no drug called 'zentomab'" in result.output
