"""check finds the page's parts by the elements the templates print them in, not by English words:
a workspace that rewords the urgent heading is still measured, and still passes."""

from __future__ import annotations

import json

import yaml
from click.testing import CliRunner

from handouts import assets
from handouts.cli import cli

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
