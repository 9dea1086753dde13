"""Issue 27, point 10: a review date past the calendar's end and a lone surrogate in a YAML
record are one line each, for that drug; the others build, and the manifest is saved."""

from __future__ import annotations

import json

from handouts.builder import cache

from ..helpers import fever_record as record
from ..helpers import invoke as run
from ..helpers import lines, run_build


def overflowing(name: str) -> str:
    return record(name).replace("2025-06-01", "9999-12-01").replace("annually", "quarterly")


def surrogate(name: str) -> str:
    return record(name).replace("A made-up sign of trouble", "Fever \\ud800 or chills").replace(
        "- Fever \\ud800 or chills", '- "Fever \\ud800 or chills"')


def workspace(make_workspace):
    return make_workspace({"overamab.yaml": overflowing("overamab"), "surramab.yaml": surrogate("surramab"),
                           "goodamab.yaml": record("goodamab")})


def test_build_check_and_packet_go_on_for_the_others(make_workspace):
    root = workspace(make_workspace)
    over_line = overflowing("overamab").splitlines().index("  last_reviewed: '9999-12-01'") + 1
    result = run_build(root)
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code != 0
    out = lines(result)
    assert f"error: sources/overamab.yaml:{over_line}: sources.last_reviewed: the next review after 9999-12-01 " \
           "(quarterly) falls after the year 9999: is the date right?" in out, out
    sign_line = surrogate("surramab").splitlines().index('- "Fever \\ud800 or chills"') + 1
    assert f"error: sources/surramab.yaml:{sign_line}: field 'urgent_signs': a lone surrogate, which is no character " \
           "(U+D800)" in out, out
    assert (root / "out" / "goodamab.pdf").exists()
    assert "goodamab" in json.dumps(cache.read_manifest(root / "out"), default=str)
    for command in (["check", "-w", root], ["list", "-w", root], ["packet", "-w", root, "goodamab"]):
        result = run(*command)
        assert "Traceback" not in result.output and not isinstance(result.exception, (ValueError, UnicodeError)), \
            (command, result.output)
        assert "9999" in result.output or command[0] == "packet", (command, result.output)
