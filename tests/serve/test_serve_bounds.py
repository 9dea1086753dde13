"""`handouts serve` under attack (issue 27, point 14): files are sent in pieces (eight requests for
a 200 MB file at once), a connection that sends nothing is closed, and the preview's source marks go
between tags, never inside one. The server is a real child on 127.0.0.1; its memory is its own peak."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
import urllib.request

import pytest

from handouts.record import DrugRecord, Item
from handouts.serve import mark_sources

from ..bounds import peak_of, start_handouts

BIG_MB = 200
RECORD = """\
generic_name: alfamab
urgent_signs:
  - A made-up sign of alfamab
sources:
  - id: s1
    publisher: Fictional Press
    last_reviewed: 2025-06-01
"""


@pytest.fixture
def preview(tmp_path):
    """A serving child over a workspace that also holds a 200 MB file; yields (child, url, root)."""
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "alfamab.yaml").write_text(RECORD, encoding="utf-8")
    with (root / "big.bin").open("wb") as big:
        big.truncate(BIG_MB * 1024 * 1024)  # sparse: no disk used, and reads back as zeros
    child = start_handouts(["serve", "--port", "0", "-w", str(root)], env={"HANDOUTS_TEST_PEAK": str(tmp_path / "peak")},
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = None
    for line in child.stdout:
        if line.startswith("Previewing "):
            url = line.split(" at ", 1)[1].split()[0].rstrip("/")
            break
    if url is None:
        child.kill()
        child.wait()
        raise AssertionError("the preview did not start")
    threading.Thread(target=child.stdout.read, daemon=True).start()  # a full pipe must not stop it
    yield child, url, root
    if child.returncode is None:
        child.kill()
        child.wait()


def test_eight_requests_for_a_200_mb_file_are_sent_in_pieces(preview):
    child, url, root = preview
    got: list[int] = []

    def download():
        with urllib.request.urlopen(f"{url}/file{root / 'big.bin'}", timeout=120) as answer:
            size = 0
            while piece := answer.read(1024 * 1024):
                size += len(piece)
            got.append(size)

    readers = [threading.Thread(target=download) for _ in range(8)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(180)
    child.send_signal(signal.SIGINT)
    peak = peak_of(child, 60, root.parent / "peak")
    assert got == [BIG_MB * 1024 * 1024] * 8
    print(f"serve peaked at {peak:.0f} MB")
    assert peak < 200, f"serve peaked at {peak:.0f} MB for 8 x {BIG_MB} MB"  # whole files: 1.6 GB and more


def test_a_connection_that_sends_nothing_is_closed(preview):
    child, url, _ = preview
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as stalled:
        stalled.settimeout(90)  # the old server kept it open for ever: our own timeout then fails the test
        started = time.monotonic()
        assert stalled.recv(100) == b""  # closed by the server, not by our own timeout (an exception)
        waited = time.monotonic() - started
        # Meanwhile the preview answers others.
        with urllib.request.urlopen(f"{url}/version", timeout=30) as answer:
            assert answer.status == 200
    assert waited < 45  # the server's timeout is 10 s


def test_source_marks_go_between_tags_never_inside_one():
    record = DrugRecord("zorbamab", urgent_signs=[Item("A fever", "label.xml"), Item("logo", "sheet.md")])
    page = ('<html><head></head><body><img alt="A fever" src="logo.png"><p class="logo">A fever</p>'
            '<a title="logo" href="#">logo</a></body></html>')
    marked = mark_sources(page, record, [], 1)
    assert '<img alt="A fever" src="logo.png"><p class="logo">A fever<span class="handouts-source" title="label.xml">' in marked
    assert '<a title="logo" href="#">logo<span class="handouts-source" title="sheet.md">' in marked


def test_text_found_only_inside_a_tag_is_listed_as_unmarked():
    record = DrugRecord("zorbamab", urgent_signs=[Item("handout", "label.xml")])
    page = '<html><head></head><body><div class="handout">Something else</div></body></html>'
    marked = mark_sources(page, record, [], 1)
    assert '<div class="handout">Something else</div>' in marked
    assert '<li>urgent_signs: handout <span class="handouts-source">label.xml</span></li>' in marked
