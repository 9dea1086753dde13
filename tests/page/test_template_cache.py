"""The cache of compiled built-in templates: it speeds builds up and can never break one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from ..helpers import build_all, record


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """A temp folder of the test's own, so Jinja's per-user cache folder is made inside it."""
    home = tmp_path / "tmp"
    home.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(home))
    return home / f"_jinja2-cache-{os.getuid()}"


def cached(folder: Path) -> list[Path]:
    return sorted(folder.glob("handouts-*.cache")) if folder.is_dir() else []


def test_built_in_templates_are_cached_and_overrides_are_not(make_workspace, cache_home):
    plain = make_workspace({"a.yaml": record("alfamab")}, name="plain")
    build_all(plain)
    files = cached(cache_home)
    assert files, "the built-in templates were not cached"
    overridden = make_workspace({"a.yaml": record("alfamab")}, name="overridden")
    (overridden / "templates").mkdir()
    (overridden / "templates" / "_dropped.html").write_text("<p>Workspace note</p>\n")
    (result,) = build_all(overridden)
    assert result.ok, result.message
    assert cached(cache_home) == files  # the workspace's override was compiled, not stored


def test_a_damaged_cache_only_costs_a_compile(make_workspace, cache_home):
    root = make_workspace({"a.yaml": record("alfamab")})
    (first,) = build_all(root)
    made = first.path.read_bytes()
    files = cached(cache_home)
    assert files
    for file in files:  # Jinja's own header, then bytes that are no pickle
        file.write_bytes(bc_magic + b"\xff\xff damaged")
    (again,) = build_all(root, force=True)
    assert again.ok, again.message
    assert again.path.read_bytes() == made


def test_no_cache_folder_to_be_had_still_builds(make_workspace, cache_home):
    cache_home.write_text("a file where Jinja wants its private folder")
    root = make_workspace({"a.yaml": record("alfamab")})
    (result,) = build_all(root)
    assert result.ok, result.message
    assert cache_home.is_file()
