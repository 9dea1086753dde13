"""check finds the page's parts by the elements the templates print them in, not by English words:
a workspace that rewords the urgent heading is still measured, and still passes."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from handouts import assets, i18n
from handouts.check import roles
from handouts.cli import cli
from handouts.page import templating
from handouts.workspace.brand import DEFAULT

SOURCE = {"publisher": "Test Press", "url": "https://example.org/x", "license": "public_domain",
          "last_reviewed": "2025-12-01", "review_frequency": "annually"}
REWORDED = "Phone us now about any of these"


def test_a_reworded_urgent_heading_is_still_found_first_and_measured(make_workspace):
    record = {"generic_name": "rewordamab", "urgent_signs": ["Fever or chills", "Trouble breathing"],
              "side_effects": ["Dry skin"], "sources": [SOURCE]}
    root = make_workspace({"rewordamab.yaml": yaml.safe_dump(record, sort_keys=False)})
    builtin = (assets.templates_dir() / "_urgent.html").read_text(encoding="utf-8")
    heading = '{{ _("Call your care team right away if you have any of these") }}'
    assert heading in builtin  # the override below must really change the words
    (root / "templates").mkdir()
    (root / "templates" / "_urgent.html").write_text(builtin.replace(heading, REWORDED), encoding="utf-8")

    result = CliRunner().invoke(cli, ["check", "-w", str(root), "--as-of", "2026-01-15", "--json"])
    assert "Traceback" not in result.output
    figures = {f["name"]: f for f in json.loads(result.stdout)["drugs"][0]["figures"]}
    for name in ("urgent block first (text)", "urgent block first (tags)", "smallest urgent type"):
        assert figures[name]["status"] == "pass", figures[name]
    assert "none found" not in figures["smallest urgent type"]["value"]


@pytest.mark.parametrize("code", ["en", "es"])
def test_every_part_of_the_built_in_page_has_words_to_be_found_by(tmp_path, code):
    """An element check cannot find gives no words, and no words match everywhere: the footer's
    type would be taken for the body's (this happened when the templates' ids became data)."""
    language = i18n.language(code)
    env = templating.environment(tmp_path, DEFAULT, language)
    for role in (roles.URGENT, *roles.OTHERS, roles.FOOTER):
        message = roles.message(env, role)
        assert message, role  # gettext("") is the catalogue's header: words, but none the page prints
        phrase = roles.phrase(env, role, language)
        assert len(phrase.split()) >= 2 and "Project-Id" not in phrase, (role, phrase)
