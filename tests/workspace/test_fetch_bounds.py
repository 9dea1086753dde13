"""`handouts fetch` against a hostile mirror (issue 27, point 3): a reply is bounded by what it
decodes to, the whole answer by --timeout, and a redirect never leaves the address in handouts.toml.

Each attack runs against a local server on 127.0.0.1 that the test starts; the memory bound is the
fetching child's own peak (ru_maxrss), the time bound a generous ceiling the attack used to pass.
"""

from __future__ import annotations

import gzip
import json
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import cli

from ..bounds import LocalServer, reply, run_handouts
from ..conftest import FIXTURES

LABEL = (FIXTURES / "fda" / "zentomab.api-response.json").read_bytes()
SET_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
BOMB_MB = 1024  # what the bombs below decode to
PEAK_MB = 200  # the fetching child's bound: its interpreter and libraries, and a 0.5 MB reply


def workspace(tmp_path: Path, server: LocalServer, **extra) -> Path:
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    settings = {"openfda_url": server.url("/drug/label.json"), "dailymed_url": server.url("/spls/{set_id}.xml"),
                "backoff": 0.01, "retries": 0, "timeout": 5, "max_mb": 0.5, **extra}
    lines = ["[fetch]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    (root / "handouts.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def fetch(root: Path, *args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["fetch", "-w", str(root), *args], prog_name="handouts",
                                env={"OPENFDA_API_KEY": None})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output.strip().splitlines()


def zeros(megabytes: int, compressor) -> bytes:
    """``megabytes`` of zero bytes, compressed piece by piece (never all in memory)."""
    piece = bytes(1024 * 1024)
    return b"".join(compressor.process(piece) for _ in range(megabytes)) + compressor.finish()


class Gzip:
    def __init__(self):
        self.z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

    def process(self, data: bytes) -> bytes:
        return self.z.compress(data)

    def finish(self) -> bytes:
        return self.z.flush()


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    brotli = pytest.importorskip("brotli")
    once = zeros(BOMB_MB, Gzip())
    return {"br": zeros(BOMB_MB, brotli.Compressor(quality=5)), "gzip, gzip": gzip.compress(once, 9)}


@pytest.mark.parametrize("encoding", ["br", "gzip, gzip"])
def test_a_small_reply_that_decodes_to_a_gigabyte_is_refused_in_bounded_memory(tmp_path, bombs, encoding):
    body = bombs[encoding]
    assert len(body) < 1024 * 1024  # a small reply...
    with LocalServer(lambda h: reply(h, 200, body, Content_Encoding=encoding)) as server:
        root = workspace(tmp_path, server)
        done = run_handouts(["fetch", "-w", str(root), "zentomab"], tmp_path)
    assert done.code == 1, done.output
    [line] = done.lines
    assert line.startswith("error: zentomab: 127.0.0.1") and ": refused" in line, line
    print(f"peak {done.peak_mb:.0f} MB: {line}")
    assert done.peak_mb < PEAK_MB, f"the fetch peaked at {done.peak_mb:.0f} MB"  # ...never decoded whole
    assert list((root / "sources").iterdir()) == []


def test_a_gzip_reply_within_the_limit_is_decoded_and_saved(tmp_path):
    with LocalServer(lambda h: reply(h, 200, gzip.compress(gzip.compress(LABEL)), Content_Encoding="gzip, gzip")) as server:
        root = workspace(tmp_path, server)
        assert fetch(root, "zentomab") == ["saved sources/zentomab.openfda-label.json: 1 openFDA label of zentomab"]


def drip(handler) -> None:
    """A reply that never stalls long enough for a read to time out: one byte every 0.5 s."""
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(LABEL)))
    handler.end_headers()
    for byte in LABEL:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.5)


def test_timeout_bounds_the_whole_answer_not_each_read(tmp_path):
    with LocalServer(drip) as server:
        root = workspace(tmp_path, server)
        started = time.monotonic()
        lines = fetch(root, "zentomab", "--timeout", "2")
        took = time.monotonic() - started
    assert lines == ["error: zentomab: 127.0.0.1 did not answer within 2 s (1 try)"]
    assert took < 10, f"{took:.1f} s"  # the drip lasts 19 minutes


@pytest.mark.parametrize("where, seen", [("http://localhost:{port}/drug/label.json", "http://localhost"),
                                         ("https://127.0.0.1:{port}/drug/label.json", "https://127.0.0.1")])
def test_a_redirect_to_another_host_or_scheme_is_refused_not_followed(tmp_path, where, seen):
    def answer(handler):
        reply(handler, 302, Location=where.format(port=handler.server.server_address[1]))

    with LocalServer(answer) as server:
        root = workspace(tmp_path, server)
        lines = fetch(root, "zentomab")
    assert lines == [f"error: zentomab: 127.0.0.1 redirected to {seen}: not followed "
                     "(put the address it gives in [fetch] of handouts.toml if it is right)"]
    assert len(server.paths) == 1


def test_a_redirect_on_the_same_host_is_followed(tmp_path):
    def answer(handler):
        if handler.path.startswith("/drug/"):
            return reply(handler, 301, Location="/v2/drug/label.json")
        reply(handler, 200, LABEL)

    with LocalServer(answer) as server:
        root = workspace(tmp_path, server)
        assert fetch(root, "zentomab") == ["saved sources/zentomab.openfda-label.json: 1 openFDA label of zentomab"]
    assert [p.split("?")[0] for p in server.paths] == ["/drug/label.json", "/v2/drug/label.json"]
