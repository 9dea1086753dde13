"""Fixtures for all tests: where the real seed documents and corpora are (a clean skip where they are absent),
workspaces, a listener that sees every connection, a watch on file reads, and no WeasyPrint warning."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from .helpers import FIXTURES, REPO, SHARED, seed, shared_corpus  # noqa: F401 (seed: for modules that import it here)


def pytest_collection_modifyitems(config, items):
    """Tests run in parallel (xdist, --dist loadgroup): the tests that share a fixture made once per
    module go to one worker, so that costly fixture (real layouts, built PDFs) is made once."""
    for item in items:
        for name in item.fixturenames:
            defs = item._fixtureinfo.name2fixturedefs.get(name)
            if defs and defs[-1].scope != "function" and defs[-1].baseid.startswith("tests"):
                item.add_marker(pytest.mark.xdist_group(defs[-1].baseid))
                break


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def seeds_dir() -> Path:
    """../shared/seeds: the three real documents the project started from (skip where absent)."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"no seed documents at {path}")
    return path


@pytest.fixture
def nci_dir() -> Path:
    """../shared/corpus/nci: real cancer.gov pages."""
    return shared_corpus("nci", "cancer.gov")


@pytest.fixture
def fda_dir() -> Path:
    """../shared/corpus/fda: real FDA labels (see its README)."""
    return shared_corpus("fda", "FDA")


@pytest.fixture(autouse=True)
def no_weasyprint_warnings():
    """WeasyPrint reports missing fonts, bad CSS and missing images as log warnings: fail on any."""
    from handouts.pdf.render import collected_warnings

    messages: list[str] = []
    with collected_warnings(messages):
        yield messages
    assert not messages, f"WeasyPrint warned: {messages}"


@pytest.fixture
def make_workspace(tmp_path):
    """A fresh workspace holding the given source files: make_workspace({"x.yaml": text, ...})."""

    def make(files: dict[str, str | bytes], name: str = "ws") -> Path:
        root = tmp_path / name
        (root / "sources").mkdir(parents=True)
        for filename, content in files.items():
            target = root / "sources" / filename
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        return root

    return make


@pytest.fixture
def shipped_workspace(tmp_path) -> Path:
    """A copy of the repository's own workspace: its sources/ (the shipped example drugs)."""
    import shutil

    root = tmp_path / "shipped"
    shutil.copytree(REPO / "sources", root / "sources")
    return root


@pytest.fixture
def listener():
    """A real TCP listener on 127.0.0.1 that records every connection made to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.05)
    hits: list = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, address = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            hits.append(address)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = server.getsockname()[1]

    def connections() -> list:
        """The connections made so far. A marker connection is accepted after every earlier one
        (the backlog is first in, first out), so once it is seen, all of them have been."""
        with socket.create_connection(("127.0.0.1", port), timeout=2) as marker:
            mark = marker.getsockname()
        deadline = time.monotonic() + 30
        while mark not in hits and time.monotonic() < deadline:
            time.sleep(0.01)
        assert mark in hits, "the listener did not see its marker connection"
        hits.remove(mark)
        return list(hits)

    # It works: a connection is seen, so an empty list later means no connection was made.
    assert connections() == [], "the listener saw a connection nobody made"
    try:
        yield SimpleNamespace(port=port, url=f"http://127.0.0.1:{port}", connections=connections)
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


# Files opened while a test watches them, seen through an audit hook ("open" events).
_WATCHED: dict[str, list[str]] = {}
_HOOKED = False


def _audit(event, args):
    if event != "open" or not _WATCHED:
        return
    try:
        target = args[0]
        if isinstance(target, (str, bytes, os.PathLike)):
            name = os.path.abspath(os.fsdecode(target))
            if name in _WATCHED:
                _WATCHED[name].append(name)
    except Exception:  # an audit hook must never break the open it watches
        pass


@pytest.fixture
def file_reads(tmp_path):
    """watch(*paths) -> a list that records each open() of those paths while the test runs."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)  # a hook cannot be removed; it does nothing while nothing is watched
        _HOOKED = True
    control = tmp_path / "control.txt"
    control.write_text("control")
    seen: list[str] = []
    _WATCHED[str(control)] = seen
    control.read_text()
    assert seen == [str(control)], "the audit hook did not see a read"
    _WATCHED.clear()
    opened: list[str] = []

    def watch(*paths) -> list[str]:
        for path in paths:
            _WATCHED[os.path.abspath(str(path))] = opened
        return opened

    try:
        yield watch
    finally:
        _WATCHED.clear()


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the workspace, holding a stylesheet that would print CANARY if read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "canary.css").write_text('p.inside::after { content: " CANARY-LEAK"; }\n')
    (folder / "outside.css").write_text('p::after { content: " CANARY-LEAK"; }\n')
    return folder
