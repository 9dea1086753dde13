"""`handouts serve`: a local preview of every handout, rebuilt when a source, style or template changes.

The standard library's threaded HTTP server, bound to 127.0.0.1 only; a polling watcher (no
extra dependency, and it works the same on network drives, where file events often never
come). Each page asks /version once a second and reloads itself when the handouts were rebuilt.

What it serves: the pages below, the preview PDFs it built (into out/preview/ in the workspace),
and files inside the workspace, the brand folder and the package's own styles and templates (the
stylesheets, fonts and logo the handout HTML refers to). Any other path is refused.
"""

from __future__ import annotations

import datetime as dt
import html as html_escape
import http.server
import os
import shutil
import stat
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markupsafe

from .. import assets
from ..builder import runner
from ..builder.options import BuildOptions
from ..errors import BuildError, InputError
from ..record import DrugRecord
from ..record.fields import PRINTED_FIELDS
from ..workspace import catalogue

WATCHED = ("sources", "styles", "templates", "handouts.toml")
PREVIEW = Path("out") / "preview"
POLL_SECONDS = 0.5
_PAGES = Path(__file__).parent / "pages"


@dataclass
class Entry:
    """One drug as the preview shows it."""

    drug: catalogue.Drug
    result: runner.Result | None
    html: str | None = None  # the handout's HTML with its sources marked, made when first asked for


@dataclass
class State:
    version: int = 0
    built_at: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)  # by PDF stem
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problem: str | None = None  # a bad brand, say: nothing could be built


class Preview:
    """The workspace's handouts, built into out/preview/, and rebuilt when the workspace changes."""

    def __init__(self, root: Path, options: BuildOptions):
        self.root = root.resolve()
        self.options = BuildOptions(**{**options.__dict__, "output": self.root / PREVIEW, "jobs": 1})
        self.state = State()
        self.lock = threading.Lock()  # one rebuild at a time; pages read a finished State
        self._stop = threading.Event()

    def rebuild(self) -> State:
        with self.lock:
            state = State(version=self.state.version + 1, built_at=dt.datetime.now().strftime("%H:%M:%S"))
            try:
                catalog = catalogue.load(self.root)
                state.errors = [str(e) for e in catalog.errors]
                state.warnings = list(catalog.warnings)
                results = runner.build(self.root, catalog, (), self.options)
                state.entries = {d.filename[:-4]: Entry(d, r) for d, r in zip(catalog.drugs, results)}
            except (InputError, BuildError) as error:
                state.problem = str(error)
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive one bad rebuild
                state.problem = f"a bug in handouts: {type(exc).__name__}: {exc}"
            self.state = state
            return state

    def html_of(self, stem: str) -> str | None:
        """The handout's HTML as it is printed, each item followed by the source it came from."""
        with self.lock:
            entry = self.state.entries.get(stem)
            if entry is None:
                return None
            if entry.html is None:
                entry.html = self._marked_html(entry.drug)
            return entry.html

    def _marked_html(self, drug: catalogue.Drug) -> str:
        try:
            brand = runner.chosen_brand(self.root, self.options)
            ctx = runner.context(self.root, self.options, brand)
            page = runner.fitted(drug, ctx, self.options.date).html
        except (InputError, BuildError) as error:
            return page_template("message.html").render(title=drug.name, message=str(error), version=self.state.version)
        sheets = [assets.styles_dir() / "handout.css"] + ([brand.css] if brand.css else [])
        return mark_sources(page, drug.record, sheets, self.state.version)

    def watch(self) -> None:
        """Poll the watched files; rebuild whenever what they hold changes. Runs until stop()."""
        seen = snapshot(self.root)
        while not self._stop.wait(POLL_SECONDS):
            now = snapshot(self.root)
            if now != seen:
                seen = now
                self.rebuild()

    def stop(self) -> None:
        self._stop.set()

    def allowed_roots(self) -> list[Path]:
        return [self.root, assets.styles_dir().resolve(), assets.templates_dir().resolve()]


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Each watched file's modification time and size: a change in any is a change to rebuild for."""
    found: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        top = root / name
        paths = [top] if top.is_file() else []
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            paths.extend(Path(folder) / f for f in files if not f.startswith("."))
        for path in paths:
            try:
                info = path.stat()
            except OSError:
                continue
            found[str(path)] = (info.st_mtime_ns, info.st_size)
    return found


def file_url(path: Path) -> str:
    return "/file" + urllib.parse.quote(str(path.resolve()))


def mark_sources(page: str, record: DrugRecord, stylesheets: list[Path], version: int) -> str:
    """The handout HTML for a browser: its stylesheets linked, its files served by us, and after each
    item the source it came from. Items not printed as written are listed below the page."""
    for path in stylesheets:
        page = page.replace("</head>", f'<link rel="stylesheet" href="{file_url(path)}">\n</head>', 1)
    page = page.replace('"file://', '"/file').replace("'file://", "'/file").replace("(file://", "(/file")
    unmarked = []
    for name in PRINTED_FIELDS:
        value = getattr(record, name)
        for item in value if isinstance(value, list) else [value] if value else []:
            text = str(markupsafe.escape(item.text))
            at = _between_tags(page, text, page.find("<body"))
            if at < 0:
                unmarked.append((name, item))
                continue
            label = html_escape.escape(item.source)
            mark = f'<span class="handouts-source" title="{label}">{label}</span>'
            page = page[:at + len(text)] + mark + page[at + len(text):]
    extra = page_template("marks.html").render(unmarked=unmarked, version=version)
    return page.replace("</body>", extra + "</body>", 1)


def _between_tags(page: str, text: str, start: int) -> int:
    """Where ``text`` (escaped, so holding no < or >) is first written as text, not inside a tag
    (an attribute such as alt="A fever" or class="logo"): -1 when it never is."""
    at = page.find(text, start)
    while at >= 0 and page.rfind("<", 0, at) > page.rfind(">", 0, at):
        at = page.find(text, at + 1)
    return at


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(_PAGES), autoescape=True, undefined=jinja2.StrictUndefined)


def page_template(name: str) -> jinja2.Template:
    return _ENV.get_template(name)


class Handler(http.server.BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass serve() makes
    server_version = "handouts-preview"
    timeout = 10  # seconds a connection may send or take nothing before it is closed

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        try:
            self._get()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):  # the browser went away or stalled
            self.close_connection = True
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the preview
            self._send(500, "text/plain", f"handouts serve: {type(exc).__name__}: {exc}\n".encode())

    def _get(self) -> None:
        if not self._local_host():
            return self._send(403, "text/plain", b"handouts serve answers only http://127.0.0.1 and localhost\n")
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        state = self.preview.state
        if path == "/":
            body = page_template("index.html").render(state=state, root=self.preview.root, entries=state.entries,
                                                      version=state.version)
            return self._send(200, "text/html; charset=utf-8", body.encode())
        if path == "/version":
            return self._send(200, "text/plain", str(state.version).encode())
        if path.startswith("/drug/"):
            entry = state.entries.get(path[len("/drug/"):])
            if entry:
                body = page_template("drug.html").render(state=state, stem=path[len("/drug/"):], entry=entry,
                                                     version=state.version)
                return self._send(200, "text/html; charset=utf-8", body.encode())
        if path.startswith("/pdf/") and path.endswith(".pdf"):
            entry = state.entries.get(path[len("/pdf/"):-4])
            if entry and entry.result and entry.result.ok and entry.result.path:
                return self._send_file(entry.result.path, "application/pdf")
        if path.startswith("/html/"):
            body = self.preview.html_of(path[len("/html/"):])
            if body is not None:
                return self._send(200, "text/html; charset=utf-8", body.encode())
        if path.startswith("/file/"):
            target = Path(path[len("/file"):]).resolve()
            if any(target.is_relative_to(r) for r in self.preview.allowed_roots()) and target.is_file():
                return self._send_file(target, _TYPES.get(target.suffix.lower(), "application/octet-stream"))
            return self._send(403, "text/plain", b"not a file of this workspace or of handouts\n")
        return self._send(404, "text/plain", b"not found\n")

    def _local_host(self) -> bool:
        # A web page elsewhere could point a name it controls at 127.0.0.1 (DNS rebinding):
        # answer only requests addressed to this machine by its own names.
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in ("127.0.0.1", "localhost")

    def _send_file(self, path: Path, kind: str) -> None:
        """The file in pieces: eight requests for a 200 MB PDF must not hold 1.6 GB."""
        try:  # O_NONBLOCK: a FIFO put in the file's place must not hang the answer
            file = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
        except OSError:
            return self._send(404, "text/plain", b"not found\n")
        with file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                return self._send(404, "text/plain", b"not found\n")
            self._head(200, kind, info.st_size)
            shutil.copyfileobj(file, self.wfile)

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self._head(status, kind, len(body))
        self.wfile.write(body)

    def _head(self, status: int, kind: str, size: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: the terminal shows rebuilds
        pass


_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
          ".jpeg": "image/jpeg", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
          ".woff2": "font/woff2", ".pdf": "application/pdf"}


def server(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    """The preview's HTTP server on 127.0.0.1:port (0: any free port), or an InputError if taken."""
    handler = type("PreviewHandler", (Handler,), {"preview": preview})
    try:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise InputError(None, f"cannot listen on 127.0.0.1:{port}: {error.strerror or error} "
                               "(choose another with --port)") from None
    httpd.daemon_threads = True
    return httpd


def serve(root: Path, options: BuildOptions, port: int, on_ready, on_rebuild) -> None:
    """Build, listen, watch and rebuild until Ctrl-C. ``on_ready(url)`` and ``on_rebuild(state)``
    tell the terminal what happened."""
    preview = Preview(root, options)
    httpd = server(preview, port)
    on_rebuild(preview.rebuild())
    original = preview.rebuild

    def rebuild_and_tell() -> State:
        state = original()
        on_rebuild(state)
        return state

    preview.rebuild = rebuild_and_tell
    watcher = threading.Thread(target=preview.watch, name="handouts-watch", daemon=True)
    watcher.start()
    on_ready(f"http://127.0.0.1:{httpd.server_address[1]}/")
    try:
        httpd.serve_forever(poll_interval=0.25)
    finally:
        preview.stop()
        httpd.server_close()


def counts(state: State) -> str:
    """ "3 built, 1 failed" for the terminal after each rebuild."""
    results = [e.result for e in state.entries.values() if e.result]
    failed = sum(not r.ok for r in results)
    return f"{len(results) - failed} ready, {failed} failed" + (f"; {state.problem}" if state.problem else "")
