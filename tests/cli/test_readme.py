"""README.md documents the command line: every command and every option the CLI has (the way
sqlite-utils tests its docs), so a command or option added without a word for the reader fails."""

from __future__ import annotations

import re

import click
import pytest

from handouts.cli import cli

from ..helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert f"`handouts {name}" in README, f"README.md does not document `handouts {name}`"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_is_in_the_readme(name):
    # Each long form, as a whole flag: --print does not stand for --printer.
    flags = [flag for param in cli.commands[name].params if isinstance(param, click.Option)
             for flag in param.opts + param.secondary_opts if flag.startswith("--")]
    assert flags, name
    missing = [flag for flag in flags if not re.search(re.escape(flag) + r"(?![\w-])", README)]
    assert missing == [], f"README.md does not mention {missing} of `handouts {name}`"
