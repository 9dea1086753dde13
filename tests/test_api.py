"""The Python API on the package root (``from handouts import load, build, BuildOptions``), and a cheap
``import handouts``: the commands that do not render never import WeasyPrint and the other heavy libraries."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pypdf
import pytest

import handouts

from . import pdfread
from .conftest import REPO

# Imported only where used: each costs start-up time that `list`, `show` and `--help` do not need.
HEAVY = ("weasyprint", "pdfplumber", "pypdf", "httpx", "babel", "readability", "textstat")


def readme_example() -> str:
    """The Python example in README.md, as written there."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if "from handouts import" in b]
    assert found, "README.md has no Python example using the package root"
    return found[0]


def test_readme_example_builds_a_one_page_pdf(tmp_path, monkeypatch, capsys):
    root = tmp_path / "clinic"
    shutil.copytree(REPO / "sources", root / "sources")
    monkeypatch.chdir(root)
    exec(compile(readme_example(), "README.md", "exec"), {})
    pdf = root / "out" / "blinatumomab.pdf"
    assert len(pypdf.PdfReader(pdf).pages) == 1
    assert "BLINCYTO" in pdfread.text(pdf).upper()
    assert "blinatumomab built" in capsys.readouterr().out


def test_api_names_are_the_stages_own():
    from handouts.build import options, runner
    from handouts.workspace import catalogue

    assert handouts.load is catalogue.load
    assert handouts.BuildOptions is options.BuildOptions
    assert set(handouts.__all__) <= set(dir(handouts))
    # `build` is the stage package, callable; its modules still import the usual ways.
    import handouts.build.runner as by_path

    assert callable(handouts.build) and by_path is runner
    with pytest.raises(AttributeError):
        handouts.no_such_name  # noqa: B018


def test_a_bad_drug_name_raises_input_error(tmp_path):
    from handouts import BuildOptions, InputError, build, load

    shutil.copytree(REPO / "sources", tmp_path / "sources")
    with pytest.raises(InputError, match="no-such-drug"):
        build(tmp_path, load(tmp_path), ["no-such-drug"], BuildOptions(output=tmp_path / "out"))


def heavy_after(code: str) -> list[str]:
    """The heavy libraries a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=REPO, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


def cli_run(*args: str) -> str:
    """Code that runs `handouts ARGS` as the console script does, output and exit status dropped."""
    return ("import contextlib, io\nfrom handouts.cli import main\nimport sys\n"
            f"sys.argv = ['handouts', *{list(args)!r}]\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n    main()")


@pytest.mark.parametrize("code", [
    "import handouts",
    "import handouts.cli",
    "from handouts import BuildOptions, InputError, load",
    cli_run("--version"),
    cli_run("--help"),
    cli_run("list", "-w", str(REPO)),
    cli_run("show", "-w", str(REPO), "blinatumomab"),
], ids=["import", "import cli", "api without build", "--version", "--help", "list", "show"])
def test_commands_that_do_not_render_import_no_heavy_library(code):
    assert heavy_after(code) == []


def test_build_imports_weasyprint_when_called():
    # The probe itself must see the libraries when they are used, or the test above proves nothing.
    assert "weasyprint" in heavy_after("from handouts.build import runner")
