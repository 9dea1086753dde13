"""What reaches the terminal from outside is shown, never obeyed (issue 27, point 6): a server's
error message and a source's words that hold escape sequences (clear the screen, retitle the window,
a carriage return and a fake "saved" line) or bidirectional overrides print as visible escapes."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from handouts.cli import cli
from handouts.cli.plain import printable

from ..bounds import LocalServer, reply
from ..workspace.test_fetch_bounds import workspace

ATTACK = "\x1b[2J\x1b]0;pwned\x07\rsaved sources/evil.json: 1 openFDA label\n\x9b31m\u202egnp.live"
SHOWN = r"\x1b[2J\x1b]0;pwned\x07\rsaved sources/evil.json: 1 openFDA label\n\x9b31m\u202egnp.live"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run(*args: str):
    result = CliRunner().invoke(cli, list(args), prog_name="handouts", env={"OPENFDA_API_KEY": None})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_printable_shows_every_control_character_and_keeps_plain_text():
    assert printable(ATTACK) == SHOWN
    assert printable("line one\n\tline two", lines=True) == "line one\n\tline two"
    assert printable("Fièvre ≥ 38 °C — 発熱") == "Fièvre ≥ 38 °C — 発熱"


def test_a_servers_error_message_is_one_plain_line(tmp_path):
    body = json.dumps({"error": {"message": ATTACK}}).encode()
    with LocalServer(lambda h: reply(h, 403, body, Content_Type="application/json")) as server:
        root = workspace(tmp_path, server)
        result = run("fetch", "-w", str(root), "zentomab")
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"error: zentomab: 127.0.0.1 answered 403 Forbidden: {SHOWN}"]


RECORD = """\
generic_name: plainamab
urgent_signs:
  - A made-up sign of plainamab
side_effects:
  - text: {attack}
sources:
  - id: s1
    publisher: {attack}
    last_reviewed: 2025-06-01
"""


def test_list_and_show_print_a_sources_words_as_plain_text(make_workspace):
    """The record is refused (bidi and control characters never print: issue 27, point 8), and the
    line that says so shows the characters escaped."""
    root = make_workspace({"plainamab.yaml": RECORD.format(attack=json.dumps(ATTACK))})
    for command in ("list", "show"):
        result = run(command, "-w", str(root), *(["plainamab"] if command == "show" else []))
        assert result.exit_code in (0, 2), result.output
        assert result.output.strip() and not RAW.search(result.output), (command, result.output)
        assert not any(line.startswith("saved ") for line in result.output.splitlines())


def test_json_output_escapes_them_and_keeps_the_data(make_workspace):
    root = make_workspace({"plainamab.yaml": RECORD.format(attack=json.dumps(ATTACK))})
    result = run("list", "-w", str(root), "--json")
    assert not RAW.search(result.output), result.output
    json.loads(result.output)


def test_a_file_name_with_escape_sequences_is_printed_escaped(make_workspace):
    """A file name is text from outside that no record rule refuses: `list` names it, escaped."""
    root = make_workspace({"plainamab.yaml": RECORD.format(attack=json.dumps("Test Press"))})
    (root / "sources" / "evil\x1b[2J\x9b31m.txt").write_text("not a drug document\n", encoding="utf-8")
    result = run("list", "-w", str(root))
    assert "evil" in result.output, result.output  # the file is named, so the test sees its name
    assert not RAW.search(result.output), result.output
    assert r"evil\x1b[2J\x9b31m.txt" in result.output, result.output
