"""`handouts serve` for real: a server on a free port, pages fetched over HTTP, a record changed and
the rebuilt page seen, and the index drawn by headless Chromium (issue 16)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from .. import pdfread
from ..helpers import REPO

RECORD = """\
generic_name: {name}
brands: [{brand}]
urgent_signs:
  - A made-up sign of {name}
side_effects:
  - Made-up sneezing
sources:
  - id: s1
    publisher: Fictional Press
    last_reviewed: 2025-06-01
"""


def workspace_for(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "alfamab.yaml").write_text(RECORD.format(name="alfamab", brand="Alfara"))
    (root / "sources" / "nonamab.yaml").write_text("generic_name: nonamab\nuses:\n  - A pretend use\n")
    return root


class Server:
    def __init__(self, root: Path, *args: str):
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "handouts", "serve", "--port", "0", "-w", str(root), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.url = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("Previewing "):
                self.url = line.split(" at ", 1)[1].split()[0]
                return
        self.stop()
        raise AssertionError(f"the server did not start: {self.process.stderr.read()}")

    def get(self, path: str, host: str | None = None) -> tuple[int, str, bytes]:
        request = urllib.request.Request(self.url.rstrip("/") + path)
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, answer.headers["Content-Type"], answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read()

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status, body[:200])
        return body.decode()

    def wait_for_version(self, after: int, timeout: float = 90) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            version = int(self.text("/version"))
            if version > after:
                return version
            time.sleep(0.3)
        raise AssertionError(f"no rebuild after version {after}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def server(tmp_path):
    root = workspace_for(tmp_path)
    running = Server(root)
    yield running, root
    running.stop()


def test_serves_an_index_the_pdfs_and_html_with_sources_and_rebuilds_on_a_change(server, tmp_path):
    server, root = server
    assert server.url.startswith("http://127.0.0.1:")
    index = server.text("/")
    assert "alfamab" in index and "(Alfara)" in index and "nonamab" in index
    assert "no urgent warning signs: cannot make a handout; next: fill in urgent_signs in sources/nonamab.yaml" in index
    assert 'class="status built"' in index and 'class="status failed"' in index
    assert 'fetch("/version"' in index  # the page reloads itself
    status, kind, pdf = server.get("/pdf/alfamab.pdf")
    assert (status, kind) == (200, "application/pdf") and pdf.startswith(b"%PDF")
    saved = tmp_path / "served.pdf"
    saved.write_bytes(pdf)
    assert "A made-up sign of alfamab" in pdfread.text(saved)
    assert '<iframe src="/pdf/alfamab.pdf' in server.text("/drug/alfamab")
    page = server.text("/html/alfamab")
    assert ('A made-up sign of alfamab<span class="handouts-source" title="sources/alfamab.yaml#s1">'
            in page)
    assert '<link rel="stylesheet" href="/file' in page
    # The stylesheet it links is served; nothing outside the workspace and the package is.
    css = page.split('<link rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert server.get(css)[0] == 200
    assert server.get("/file/etc/passwd")[0] == 403
    assert server.get("/file" + str(root.parent / "elsewhere.txt"))[0] == 403
    assert server.get("/html/../../etc/passwd")[0] == 404
    assert server.get("/", host="attacker.example:80")[0] == 403  # DNS rebinding
    # Change a record: the preview is rebuilt and the pages show the change.
    version = int(server.text("/version"))
    record = root / "sources" / "alfamab.yaml"
    record.write_text(record.read_text().replace("  - A made-up sign of alfamab\n",
                                                 "  - A made-up sign of alfamab\n  - A brand-new made-up sign\n"))
    server.wait_for_version(version)
    assert "A brand-new made-up sign<span" in server.text("/html/alfamab")
    saved.write_bytes(server.get("/pdf/alfamab.pdf")[2])
    assert "A brand-new made-up sign" in pdfread.text(saved)
    # A fixed record is built at the next change.
    version = int(server.text("/version"))
    (root / "sources" / "nonamab.yaml").write_text(RECORD.format(name="nonamab", brand="Nonara"))
    server.wait_for_version(version)
    assert server.get("/pdf/nonamab.pdf")[0] == 200
    assert (root / "out" / "preview" / "nonamab.pdf").is_file()


def test_the_index_in_headless_chromium_is_not_blank(server, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.skip("no chromium (bash .ci/setup test installs it)")
    server, _ = server
    shot = tmp_path / "index.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--window-size=1000,700", f"--screenshot={shot}", server.url],
                   capture_output=True, timeout=120, check=False)
    assert shot.is_file(), "chromium wrote no screenshot"
    with Image.open(shot) as image:
        grey = image.convert("L")
        assert grey.size == (1000, 700)
        histogram = grey.histogram()
    dark = sum(histogram[:100])  # text and the table's header bar
    assert dark > 2_000, "the screenshot has almost nothing drawn on it"
    assert sum(1 for count in histogram if count) > 20  # not one flat colour


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    root = workspace_for(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "handouts", "serve", "--port", str(port), "-w", str(root)],
                              capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use (choose another with --port)"]
