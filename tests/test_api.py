"""The Python API on the package root (``from handouts import load, build, BuildOptions``), and a cheap
``import handouts``: the commands that do not render never import WeasyPrint and the other heavy libraries."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

import handouts

from . import pdfread
from .helpers import REPO

# Imported only where used: each costs start-up time that `list`, `show` and `--help` do not need.
HEAVY = ("weasyprint", "pdfplumber", "pypdf", "httpx", "babel", "readability", "textstat")


def readme_example() -> str:
    """The Python example in README.md, as written there."""
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if "from handouts import" in b]
    assert found, "README.md has no Python example using the package root"
    return found[0]


@pytest.fixture(scope="module")
def example_run(tmp_path_factory) -> tuple[Path, str]:
    """README's Python example run in a copy of the shipped workspace: the workspace, and what it printed."""
    root = tmp_path_factory.mktemp("api") / "clinic"
    shutil.copytree(REPO / "sources", root / "sources")
    printed = io.StringIO()
    with contextlib.chdir(root), contextlib.redirect_stdout(printed):
        exec(compile(readme_example(), "README.md", "exec"), {})
    return root, printed.getvalue()


def test_readme_example_builds_a_one_page_pdf(example_run):
    root, printed = example_run
    pdf = root / "out" / "blinatumomab.pdf"
    assert len(pypdf.PdfReader(pdf).pages) == 1
    assert "BLINCYTO" in pdfread.text(pdf).upper()
    assert "blinatumomab built" in printed


def test_an_unchanged_rebuild_never_imports_weasyprint(example_run):
    root, _ = example_run
    same = ("build", "-w", str(root), "--paper", "a4", "--strict", "Blincyto")  # the example's options
    assert "weasyprint" not in heavy_after(cli_run(*same))
    # The probe sees it when it is used, or this test and those of the commands below prove nothing.
    assert "weasyprint" in heavy_after(cli_run(*same, "--force"))


def test_api_names_are_the_stages_own():
    from handouts.builder import options, runner
    from handouts.workspace import catalogue

    assert handouts.load is catalogue.load
    assert handouts.BuildOptions is options.BuildOptions
    assert set(handouts.__all__) <= set(dir(handouts))
    # `build` stays the function once the builder's modules are imported (the stage package has
    # another name, so importing it cannot replace the API's function).
    importlib.import_module("handouts.builder.runner")
    assert handouts.build is runner.build
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
    cli_run("extract", str(REPO / "sources" / "blinatumomab.yaml")),
], ids=["import", "import cli", "api without build", "--version", "--help", "list", "show", "extract"])
def test_commands_that_do_not_render_import_no_heavy_library(code):
    assert heavy_after(code) == []
