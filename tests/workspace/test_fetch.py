"""`handouts fetch`, for real, against a local HTTP server on 127.0.0.1 serving recorded replies.

Never the internet: the workspace's handouts.toml points the fetcher at the local server, which
answers like openFDA and DailyMed do, including 429s, 500s, a slow reply and an oversized one.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from ..helpers import FIXTURES, SHARED, invoke

FDA = FIXTURES / "fda"
ZEN_SET_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
# The recorded openFDA replies of the shared corpus, by the name a user would ask for.
RECORDED = {"naproxen": "naproxen", "Humira": "humira", "Vyvanse": "vyvanse", "Ambien": "ambien"}


class Server:
    """Replies by the drug named in openFDA's search, or by the set id in DailyMed's path."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failures: dict[str, list[int]] = {}  # drug -> statuses to answer before the real reply
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                server.requests.append({"path": url.path, **query})
                status, body, delay = server.answer(url.path, query)
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if url.path.endswith(".json") else "text/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, path: str, query: dict) -> tuple[int, bytes, float]:
        if path.startswith("/spls/"):
            if path == f"/spls/{ZEN_SET_ID}.xml":
                return 200, (FDA / "zentomab-medguide.xml").read_bytes(), 0
            return 404, b"<html>not found</html>", 0
        search = query.get("search", "")
        drug = search.split('"')[1] if '"' in search else ""
        queue = self.failures.get(drug)
        if queue:
            return queue.pop(0), b'{"error": {"message": "busy"}}', 0
        if drug in ("zentomab", "Zentra"):
            return 200, (FDA / "zentomab.api-response.json").read_bytes(), 0
        recorded = SHARED / "corpus/fda/openfda" / f"{RECORDED.get(drug, '-')}.api-response.json"
        if recorded.exists():
            return 200, recorded.read_bytes(), 0
        if drug == "slow":
            return 200, (FDA / "zentomab.api-response.json").read_bytes(), 2.0
        if drug == "huge":
            return 200, b'{"meta": {}, "results": [' + b" " * 700_000 + b"]}", 0
        if drug == "event":
            return 200, (FDA / "event-reply.json").read_bytes(), 0
        return 404, b'{"error": {"code": "NOT_FOUND", "message": "No matches found!"}}', 0

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with Server() as running:
        yield running


def workspace(tmp_path: Path, port: int, **extra) -> Path:
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    settings = {"openfda_url": f"http://127.0.0.1:{port}/drug/label.json",
                "dailymed_url": f"http://127.0.0.1:{port}/spls/{{set_id}}.xml",
                "backoff": 0.01, "retries": 2, "timeout": 5, "max_mb": 0.5, **extra}
    lines = ["[fetch]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    (root / "handouts.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def fetch(root: Path, *args: str, env: dict | None = None):
    return invoke("fetch", "-w", root, *args, env={"OPENFDA_API_KEY": None, **(env or {})})


def lines(result) -> list[str]:
    return result.output.strip().splitlines()


def test_fetch_a_drug_saves_its_labels_under_a_name_that_says_what_it_is(server, tmp_path):
    root = workspace(tmp_path, server.port)
    result = fetch(root, "Zentra")
    assert result.exit_code == 0, result.output
    assert lines(result) == ["saved sources/zentomab.openfda-label.json: 1 openFDA label of zentomab"]
    saved = json.loads((root / "sources/zentomab.openfda-label.json").read_text(encoding="utf-8"))
    assert saved["meta"]["handouts"]["asked"] == "Zentra" and len(saved["results"]) == 1
    listed = invoke("list", "-w", str(root))
    assert listed.exit_code == 0 and listed.output.startswith("zentomab (Zentra)")
    request = server.requests[0]
    assert request["path"] == "/drug/label.json" and '"Zentra"' in request["search"] and request["limit"] == "100"
    assert "api_key" not in request


def test_the_api_key_comes_from_the_option_or_the_environment(server, tmp_path):
    root = workspace(tmp_path, server.port)
    fetch(root, "zentomab", "--api-key", "k-option")
    fetch(root, "zentomab", env={"OPENFDA_API_KEY": "k-env"})
    assert [r.get("api_key") for r in server.requests] == ["k-option", "k-env"]


@pytest.mark.parametrize("drug, saved, generic", [
    ("Humira", "adalimumab.openfda-label.json", "adalimumab (Humira)"),
    ("Vyvanse", "lisdexamfetamine-dimesylate.openfda-label.json", "lisdexamfetamine dimesylate (Vyvanse)"),
    ("Ambien", "zolpidem-tartrate.openfda-label.json", "zolpidem tartrate (Ambien)"),
])
def test_every_recorded_reply_is_fetched_by_its_brand(server, tmp_path, drug, saved, generic):
    if not (SHARED / "corpus/fda/openfda").is_dir():
        pytest.skip("no FDA corpus")
    root = workspace(tmp_path, server.port, max_mb=5)
    result = fetch(root, drug)
    assert result.exit_code == 0, result.output
    assert lines(result) == [f"saved sources/{saved}: 1 openFDA label of {generic.split(' (')[0]}"]
    listed = invoke("list", "-w", str(root))
    assert listed.exit_code == 0 and listed.output.startswith(generic)


def test_a_real_recorded_reply_is_saved_and_builds(server, tmp_path):
    if not (SHARED / "corpus/fda/openfda/naproxen.api-response.json").exists():
        pytest.skip("no FDA corpus")
    root = workspace(tmp_path, server.port)
    assert fetch(root, "naproxen").exit_code == 0
    built = invoke("build", "-w", str(root), "--strict")
    assert built.exit_code == 0, built.output
    assert (root / "out" / "naproxen.pdf").exists()


def test_fetch_by_set_id_saves_the_dailymed_spl(server, tmp_path):
    root = workspace(tmp_path, server.port)
    result = fetch(root, "--set-id", ZEN_SET_ID)
    assert result.exit_code == 0, result.output
    assert lines(result) == ["saved sources/zentomab.dailymed-spl-aaaaaaaa.xml: DailyMed SPL of zentomab, version 7"]
    assert server.requests[0]["path"] == f"/spls/{ZEN_SET_ID}.xml"


def test_fetch_from_sources_follows_the_dailymed_links_of_the_pages(server, tmp_path):
    root = workspace(tmp_path, server.port)
    page = ("---\ntitle: Zentomab - NCI\n---\n# Zentomab\n\n[Label](https://dailymed.nlm.nih.gov/dailymed/"
            f"drugInfo.cfm?setid={ZEN_SET_ID})\n")
    (root / "sources" / "zentomab.md").write_text(page, encoding="utf-8")
    result = fetch(root, "--from-sources")
    assert result.exit_code == 0, result.output
    assert (root / "sources/zentomab.dailymed-spl-aaaaaaaa.xml").exists()


def test_429_and_500_are_retried_with_back_off(server, tmp_path):
    root = workspace(tmp_path, server.port)
    server.failures["zentomab"] = [429, 500]
    result = fetch(root, "zentomab")
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 3


def test_retries_are_bounded_and_the_other_drugs_are_still_fetched(server, tmp_path):
    root = workspace(tmp_path, server.port)
    server.failures["Zentra"] = [500, 500, 500, 500]
    result = fetch(root, "Zentra", "--set-id", ZEN_SET_ID)
    assert result.exit_code == 1
    assert "error: Zentra: 127.0.0.1 answered 500 Internal Server Error 3 times; try again later" in result.output
    assert "saved sources/zentomab.dailymed-spl-aaaaaaaa.xml" in result.output
    assert len([r for r in server.requests if r["path"] == "/drug/label.json"]) == 3


def test_a_slow_reply_times_out_in_one_line(server, tmp_path):
    root = workspace(tmp_path, server.port, retries=0)
    result = fetch(root, "slow", "--timeout", "0.3")
    assert result.exit_code == 1
    assert lines(result) == ["error: slow: 127.0.0.1 did not answer within 0.3 s (1 try)"]


def test_an_oversized_reply_is_refused_and_nothing_is_saved(server, tmp_path):
    root = workspace(tmp_path, server.port)
    result = fetch(root, "huge")
    assert result.exit_code == 1
    assert "larger than 0.5 MB: refused" in result.output
    assert list((root / "sources").iterdir()) == []


def test_nothing_matching_is_one_line(server, tmp_path):
    root = workspace(tmp_path, server.port)
    result = fetch(root, "nosuchdrug")
    assert result.exit_code == 1
    assert lines(result) == ["error: nosuchdrug: nothing matches 'nosuchdrug' at 127.0.0.1"]


def test_a_reply_of_another_endpoint_is_refused(server, tmp_path):
    root = workspace(tmp_path, server.port)
    result = fetch(root, "event")
    assert result.exit_code == 1 and "not an openFDA drug label" in result.output
    assert list((root / "sources").iterdir()) == []


def test_offline_is_one_line(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = workspace(tmp_path, port)
    result = fetch(root, "zentomab")
    assert result.exit_code == 1
    [line] = lines(result)
    assert line.startswith("error: zentomab: cannot reach 127.0.0.1 (") and line.endswith("are you offline?")


def test_an_unknown_set_id_and_a_malformed_one(server, tmp_path):
    root = workspace(tmp_path, server.port)
    result = fetch(root, "--set-id", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "--set-id", "nonsense")
    assert result.exit_code == 1
    assert lines(result) == ["error: bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb: nothing matches set id "
                             "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb at 127.0.0.1",
                             "error: nonsense: 'nonsense' is not a set id (8-4-4-4-12 hexadecimal digits)"]


def test_a_failed_fetch_leaves_an_earlier_label_as_it_was(server, tmp_path):
    root = workspace(tmp_path, server.port)
    assert fetch(root, "zentomab").exit_code == 0
    before = (root / "sources/zentomab.openfda-label.json").read_bytes()
    server.failures["zentomab"] = [500, 500, 500]
    assert fetch(root, "zentomab").exit_code == 1
    assert (root / "sources/zentomab.openfda-label.json").read_bytes() == before
    assert [p.name for p in (root / "sources").iterdir()] == ["zentomab.openfda-label.json"]


def test_bad_fetch_settings_are_one_line_errors(tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    (root / "handouts.toml").write_text('[fetch]\nopenfda_url = "ftp://x"\n', encoding="utf-8")
    result = fetch(root, "zentomab")
    assert result.exit_code == 2
    assert "fetch.openfda_url must be an http:// or https:// address" in result.output
    (root / "handouts.toml").write_text('[fetch]\nmirror = "http://x"\n', encoding="utf-8")
    assert "unknown key 'mirror' in [fetch]" in fetch(root, "zentomab").output


def test_nothing_to_fetch_is_a_usage_error(tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    result = fetch(root)
    assert result.exit_code == 2 and "nothing to fetch" in result.output


def test_build_fetches_nothing(tmp_path):
    """The renderer's sandbox is unchanged: a fetched label builds offline."""
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    shutil.copy(FDA / "zentomab.api-response.json", root / "sources" / "zentomab.openfda-label.json")
    (root / "handouts.toml").write_text('[fetch]\nopenfda_url = "http://127.0.0.1:9/x"\n', encoding="utf-8")
    built = invoke("build", "-w", str(root), "--strict")
    assert built.exit_code == 0, built.output


def test_from_sources_asks_for_every_label_the_real_cancer_gov_pages_link(server, tmp_path):
    nci = SHARED / "corpus" / "nci"
    if not nci.is_dir():
        pytest.skip("no cancer.gov corpus")
    root = workspace(tmp_path, server.port)
    for page in nci.iterdir():
        shutil.copy(page, root / "sources" / page.name)
    result = fetch(root, "--from-sources")
    asked = {r["path"] for r in server.requests}
    assert len(asked) == len(server.requests) >= 20 and all(p.startswith("/spls/") for p in asked)
    # The local server knows none of them: one line each, and the command says so.
    assert result.exit_code == 1 and result.output.count("nothing matches set id") == len(asked)


def test_from_sources_with_no_links_says_so(tmp_path):
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "notes.md").write_text("# Notes\n\nNo label links here.\n", encoding="utf-8")
    result = fetch(root, "--from-sources")
    assert result.exit_code == 2 and "no DailyMed links (setid=...) in the documents here" in result.output
