"""Every way `handouts fetch` can fail is one line (issue 27, point 12): hostile replies (nesting
200,000 deep, broken gzip, a redirect loop), a place the label cannot be saved (a folder, a
read-only sources/, a full disk), and every bad [fetch] value in handouts.toml, with its line."""

from __future__ import annotations

import gzip
import os
import resource

import pytest

from ..bounds import LocalServer, reply, run_handouts
from .test_fetch_bounds import LABEL, SET_ID, fetch, workspace

LABEL_FILE = "sources/zentomab.openfda-label.json"
DEEP = 200_000


@pytest.mark.parametrize("body, headers, expected", [
    (b'{"results": ' + b"[" * DEEP + b"]" * DEEP + b"}", {}, "openFDA's reply is nested too deeply to be a label: refused"),
    (b"\x1f\x8b\x08\x00 not gzip at all", {"Content_Encoding": "gzip"},
     "127.0.0.1's reply is not valid gzip (Error -3 while decompressing data: "),
    (gzip.compress(LABEL)[:-40], {"Content_Encoding": "gzip"}, "127.0.0.1's reply ends in the middle of its gzip data"),
    (gzip.compress(gzip.compress(LABEL)), {"Content_Encoding": "gzip, gzip, gzip"},
     "127.0.0.1's reply is encoded 3 times over: refused"),
], ids=["nested", "broken-gzip", "cut-gzip", "gzip-thrice"])
def test_a_hostile_reply_is_one_line(tmp_path, body, headers, expected):
    with LocalServer(lambda h: reply(h, 200, body, **headers)) as server:
        root = workspace(tmp_path, server, max_mb=1)
        [line] = fetch(root, "zentomab")
    assert line.startswith(f"error: zentomab: {expected}"), line
    assert list((root / "sources").iterdir()) == []


def test_a_redirect_loop_is_one_line(tmp_path):
    with LocalServer(lambda h: reply(h, 302, Location=h.path)) as server:
        root = workspace(tmp_path, server)
        assert fetch(root, "zentomab") == ["error: zentomab: 127.0.0.1 redirected more than 5 times (a redirect loop?)"]
    assert len(server.paths) == 6


def label_server() -> LocalServer:
    return LocalServer(lambda h: reply(h, 200, LABEL))


def test_a_folder_where_the_label_goes_is_one_line(tmp_path):
    with label_server() as server:
        root = workspace(tmp_path, server)
        (root / LABEL_FILE).mkdir()
        lines = fetch(root, "zentomab", "--set-id", "nonsense")
    # The folder is refused (or, where the tool replaces what is in the way, the label saved): never a traceback.
    assert len(lines) == 2 and lines[0].startswith(("error: zentomab: cannot save sources/", "saved ")), lines
    assert lines[1].startswith("error: nonsense: ")  # the next one is still tried


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_sources_folder_is_one_line(tmp_path):
    with label_server() as server:
        root = workspace(tmp_path, server)
        (root / "sources").chmod(0o555)
        try:
            lines = fetch(root, "zentomab")
        finally:
            (root / "sources").chmod(0o755)
    assert lines == [f"error: zentomab: cannot save {LABEL_FILE}: Permission denied"]


def test_a_full_disk_is_one_line(tmp_path):
    """The child may write no file larger than 1 KB (RLIMIT_FSIZE): what a full disk does to a write."""
    with label_server() as server:
        root = workspace(tmp_path, server)
        done = run_handouts(["fetch", "-w", str(root), "zentomab"], tmp_path,
                            limits={resource.RLIMIT_FSIZE: 1024})
    assert done.code == 1
    assert done.lines == [f"error: zentomab: cannot save {LABEL_FILE}: File too large"]
    assert list((root / "sources").iterdir()) == []  # no half-written label, no temporary left


@pytest.mark.parametrize("setting, problem", [
    ('dailymed_url = "http://127.0.0.1:9/{0}.xml"', "fetch.dailymed_url must hold {set_id}, once,"),
    ('dailymed_url = "http://127.0.0.1:9/{x.y}/{set_id}"', "fetch.dailymed_url must hold {set_id}, once,"),
    ('dailymed_url = "http://127.0.0.1:9/{set_id}}.xml"', "fetch.dailymed_url must hold {set_id}, once,"),
    ('dailymed_url = "http://127.0.0.1:9/{set_id!r}"', "fetch.dailymed_url must hold {set_id}, once,"),
    ("max_mb = nan", "fetch.max_mb must be from 0.001 to 1024, not nan"),
    ("max_mb = inf", "fetch.max_mb must be from 0.001 to 1024, not inf"),
    ("timeout = nan", "fetch.timeout must be from 0.1 to 3600, not nan"),
    ("timeout = inf", "fetch.timeout must be from 0.1 to 3600, not inf"),
    ("timeout = 0", "fetch.timeout must be from 0.1 to 3600, not 0"),
    ("backoff = inf", "fetch.backoff must be from 0 to 60, not inf"),
    ("retries = 1e300", "fetch.retries must be a whole number from 0 to 10"),
    ("retries = 100000", "fetch.retries must be from 0 to 10, not 100000"),
    ('openfda_url = "http://[::1/x"', "fetch.openfda_url is not a well-formed address (Invalid IPv6 URL)"),
    ('openfda_url = "http://127.0.0.1:99999/x"', "fetch.openfda_url is not a well-formed address"),
    ('openfda_url = "http://127.0.0.1 //x"', "fetch.openfda_url holds a space or a control character"),
    ('openfda_url = "https:///x"', "fetch.openfda_url names no host"),
])
def test_every_bad_fetch_value_is_one_line_with_its_line(tmp_path, setting, problem):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    # Both addresses local (port 9: nothing answers) unless the bad value is one of them.
    local = {"openfda_url": '"http://127.0.0.1:9/x"', "dailymed_url": '"http://127.0.0.1:9/{set_id}"'}
    rest = [f"{key} = {value}" for key, value in local.items() if not setting.startswith(key)]
    text = "\n".join(['lang = "en"', "", "[fetch]", "# a mirror", setting, *rest]) + "\n"
    (root / "handouts.toml").write_text(text, encoding="utf-8")
    done = run_handouts(["fetch", "-w", str(root), "--set-id", SET_ID, "zentomab"], tmp_path, ceiling=60)
    assert done.code == 2
    [line] = done.lines
    assert line.startswith(f"Error: {root / 'handouts.toml'}:5: {problem}"), line


@pytest.mark.parametrize("where", ["http://[::1/x", "http://127.0.0.1:99999/x", "http:// /x"])
def test_a_redirect_to_a_malformed_address_is_one_line(tmp_path, where):
    with LocalServer(lambda h: reply(h, 302, Location=where)) as server:
        root = workspace(tmp_path, server)
        [line] = fetch(root, "zentomab")
    assert line.startswith("error: zentomab: 127.0.0.1 "), line
