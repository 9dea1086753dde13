"""`handouts fetch`: FDA labels from openFDA and DailyMed into sources/ (the one part that uses the network).

A drug name is looked up at openFDA's label endpoint (generic or brand name); a set id, or the
DailyMed link of a cancer.gov page already in sources/, fetches the label's SPL from DailyMed.
Each reply is checked to be what was asked for (a label reply, an SPL document) before it is
saved, atomically, under a name that says what it is. Requests have a timeout, a size limit and
a bounded number of retries with back-off on 429 and 5xx; every failure is one line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from .. import __version__
from ..atomic import write_atomically
from ..errors import InputError
from ..readers import openfda, read_text, spl
from ..readers.text import name_key
from .catalogue import SOURCES, source_files
from .config import FetchConfig

SET_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_DAILYMED_LINK = re.compile(r"dailymed[^\s)\"'>]*?setid=([0-9a-f-]{36})", re.I)
LIMIT = 100  # labels asked for per drug: repackagers and versions, chosen among when read
MAX_REDIRECTS = 5
PIECE = 256 * 1024  # the most one step of decoding may produce
MAX_WAIT = 60.0  # seconds: the longest pause between two tries


class FetchError(Exception):
    """One thing that could not be fetched: a one-line reason."""


class _Late(Exception):
    """The answer did not end by its deadline (a server dripping it byte by byte)."""


@dataclass
class Saved:
    asked: str  # the drug name or set id asked for
    path: Path
    what: str  # "3 openFDA labels of naproxen", "DailyMed SPL of ..."


class Fetcher:
    def __init__(self, settings: FetchConfig, api_key: str | None = None, timeout: float | None = None):
        self.settings = settings
        self.api_key = api_key
        self.timeout = timeout if timeout is not None else settings.timeout
        # Only gzip is asked for, and decoded by decoded() below, never by httpx: its decoders give a
        # whole chunk's output at once. A redirect is followed only within the same scheme and host.
        self.client = httpx.Client(
            timeout=self.timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": f"handouts/{__version__} (patient handouts; FDA labels)",
                     "Accept-Encoding": "gzip"},
            event_hooks={"response": [_same_origin_redirect]},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- the requests ----

    def get(self, url: str, params: dict | None = None, what: str = "") -> bytes:
        """The body of a 200 reply; retried on 429, 5xx and dropped connections; FetchError otherwise."""
        return self.request("GET", url, params=params, what=what)[1]

    def request(self, method: str, url: str, params: dict | None = None, what: str = "",
                content: bytes | None = None, headers: dict | None = None) -> tuple[httpx.Headers, bytes]:
        """The headers and body of a 200 (or, for a POST, 201) reply, by the same bounds as ``get``."""
        host = httpx.URL(url).host or url
        for attempt in range(self.settings.retries + 1):
            last = attempt == self.settings.retries
            deadline = time.monotonic() + self.timeout  # the whole answer, not each read
            try:
                with self.client.stream(method, url, params=params, content=content, headers=headers) as reply:
                    if reply.status_code == 429 or reply.status_code >= 500:
                        if last:
                            raise FetchError(f"{host} answered {reply.status_code} {reply.reason_phrase} "
                                             f"{attempt + 1} times; try again later")
                        self._wait(attempt, reply.headers.get("Retry-After"))
                        continue
                    if reply.status_code == 404:
                        raise FetchError(f"nothing matches {what} at {host}")
                    if reply.status_code != 200 and not (method == "POST" and reply.status_code == 201):
                        raise FetchError(f"{host} answered {reply.status_code} {reply.reason_phrase}"
                                         + _api_message(reply, host, deadline))
                    return reply.headers, self._body(reply, host, deadline)
            except (httpx.TimeoutException, _Late):
                if last:
                    raise FetchError(self._too_slow(host, attempt)) from None
                self._wait(attempt, None)
            except httpx.TooManyRedirects:
                raise FetchError(f"{host} redirected more than {MAX_REDIRECTS} times (a redirect loop?)") from None
            except httpx.TransportError as exc:
                if last:
                    raise FetchError(f"cannot reach {host} ({_reason(exc)}): are you offline?") from None
                self._wait(attempt, None)
        raise FetchError(f"{host}: no answer")  # not reached: the last attempt returns or raises

    def _body(self, reply: httpx.Response, host: str, deadline: float) -> bytes:
        """The reply's content, decoded here so the size limit holds on what it decodes to (a few
        kilobytes of brotli or nested gzip can hold gigabytes), read by the deadline."""
        limit = int(self.settings.max_mb * 1024 * 1024)
        declared = reply.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchError(_too_large(host, limit))
        body = bytearray()
        raw = _received(reply.iter_raw(), deadline, limit, host)
        for chunk in decoded(raw, reply.headers.get("Content-Encoding", ""), host):
            body.extend(chunk)
            if len(body) > limit:
                raise FetchError(_too_large(host, limit))
        return bytes(body)

    def _too_slow(self, host: str, attempt: int) -> str:
        tries = f"{attempt + 1} tr{'y' if attempt == 0 else 'ies'}"
        return f"{host} did not answer within {self.timeout:g} s ({tries})"

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        delay = self.settings.backoff * (2 ** attempt)
        if retry_after and retry_after.isdigit():
            delay = max(delay, float(retry_after))
        time.sleep(min(delay, MAX_WAIT))

    # ---- what is fetched ----

    def labels_of(self, drug: str) -> tuple[dict, int]:
        """openFDA's reply for a drug name, narrowed to the labels about that drug; (reply, how many)."""
        name = re.sub(r"[\"\\]", " ", drug).strip()
        if not name:
            raise FetchError("an empty drug name")
        params = {"search": f'openfda.generic_name:"{name}" openfda.brand_name:"{name}"', "limit": str(LIMIT)}
        if self.api_key:
            params["api_key"] = self.api_key
        body = self.get(self.settings.openfda_url, params, f"{drug!r}")
        reply = _json(body, "openFDA")
        results = reply.get("results") if isinstance(reply, dict) else None
        if not isinstance(results, list):
            raise FetchError("openFDA's reply holds no 'results' list: not the drug label endpoint?")
        key = name_key(drug)
        matching = []
        for index, data in enumerate(results):
            try:
                record = openfda.record_of(data, "openFDA reply", "", index)
            except InputError as error:
                raise FetchError(error.message) from None
            if key == name_key(record.generic_name) or key in {name_key(b.name) for b in record.brands}:
                matching.append(data)
        if not matching:
            raise FetchError(f"nothing matches {drug!r} at openFDA (its {len(results)} labels name other drugs)")
        reply["results"] = matching
        return reply, len(matching)

    def spl_of(self, set_id: str) -> bytes:
        if not SET_ID.fullmatch(set_id):
            raise FetchError(f"{set_id!r} is not a set id (8-4-4-4-12 hexadecimal digits)")
        body = self.get(self.settings.dailymed_url.format(set_id=set_id.lower()), None, f"set id {set_id}")
        try:
            label = spl.parse(body.decode("utf-8-sig"), "DailyMed reply")
        except (InputError, UnicodeDecodeError) as error:
            raise FetchError(f"DailyMed's reply is not an SPL label: {getattr(error, 'message', error)}") from None
        if label.set_id and label.set_id.lower() != set_id.lower():
            raise FetchError(f"DailyMed answered with set id {label.set_id}, not {set_id}")
        return body


def wanted(root: Path, drugs, set_ids, from_sources: bool) -> list[tuple[str, str]]:
    """(what, "drug" or "set id") for each thing asked for, the DailyMed links of sources/ last."""
    asked = [(d, "drug") for d in drugs] + [(s, "set id") for s in set_ids]
    if from_sources:
        linked = set_ids_in_sources(root)
        if not linked and not asked:
            raise InputError(root / SOURCES, "no DailyMed links (setid=...) in the documents here: nothing to fetch")
        asked += [(set_id, "set id") for set_id, _ in linked]
    if not asked:
        raise InputError(None, "nothing to fetch: name a DRUG, give --set-id, or use --from-sources")
    if not (root / SOURCES).is_dir():
        raise InputError(root / SOURCES, "no sources/ folder: is this a handouts workspace? (see --workspace)")
    return asked


def fetch_one(fetcher: Fetcher, root: Path, asked: str, kind: str) -> Saved:
    try:
        return fetch_drug(fetcher, root, asked) if kind == "drug" else fetch_set_id(fetcher, root, asked)
    except RecursionError:  # a reply nested thousands deep: no label is
        raise FetchError("the reply is nested too deeply to be a label: refused") from None


def fetch_drug(fetcher: Fetcher, root: Path, drug: str) -> Saved:
    reply, count = fetcher.labels_of(drug)
    meta = reply.get("meta") if isinstance(reply.get("meta"), dict) else {}
    meta["handouts"] = {"asked": drug, "fetched": dt.date.today().isoformat(), "from": fetcher.settings.openfda_url}
    reply = {"meta": meta, "results": reply["results"]}
    generic = openfda.record_of(reply["results"][0], "openFDA reply").generic_name
    path = root / SOURCES / f"{_slug(generic)}.openfda-label.json"
    _save((json.dumps(reply, indent=1, ensure_ascii=False) + "\n").encode("utf-8"), path, root)
    return Saved(drug, path, f"{count} openFDA label{'s' if count != 1 else ''} of {generic}")


def fetch_set_id(fetcher: Fetcher, root: Path, set_id: str) -> Saved:
    body = fetcher.spl_of(set_id)
    label = spl.parse(body.decode("utf-8-sig"), set_id)
    path = root / SOURCES / f"{_slug(label.generic_name)}.dailymed-spl-{set_id.lower()[:8]}.xml"
    _save(body, path, root)
    return Saved(set_id, path, f"DailyMed SPL of {label.generic_name.lower()}, version {label.version or '?'}")


def _save(data: bytes, path: Path, root: Path) -> None:
    try:
        write_atomically(data, path)
    except OSError as exc:  # a folder in its place, a read-only sources/, a full disk
        raise FetchError(f"cannot save {path.relative_to(root)}: {exc.strerror or exc}") from None


def set_ids_in_sources(root: Path) -> list[tuple[str, str]]:
    """(set id, file) for each DailyMed link in the documents of sources/ (cancer.gov pages link
    their drug's label so), in order, each set id once."""
    found: dict[str, str] = {}
    for path in source_files(root):
        try:
            text = read_text(path)
        except InputError:
            continue  # `list` reports unreadable files; here they simply link nothing
        for match in _DAILYMED_LINK.finditer(text):
            found.setdefault(match.group(1).lower(), str(path.relative_to(root)))
    return list(found.items())


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "label"


def _json(body: bytes, who: str):
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FetchError(f"{who}'s reply is not JSON ({type(exc).__name__})") from None
    except RecursionError:
        raise FetchError(f"{who}'s reply is nested too deeply to be a label: refused") from None


def _api_message(reply: httpx.Response, host: str, deadline: float) -> str:
    """openFDA's reason for an error status ("No matches found!"), read from at most one piece."""
    try:
        body = next(decoded(_received(reply.iter_raw(), deadline, PIECE, host), reply.headers.get("Content-Encoding", ""),
                            host), b"")
        message = json.loads(body).get("error", {}).get("message")
    except Exception:  # noqa: BLE001 - an error page of any shape still gives its status line
        return ""
    return f": {message[:200]}" if isinstance(message, str) else ""


def _same_origin_redirect(reply: httpx.Response) -> None:
    """Refuse a redirect to another scheme or host: the addresses in handouts.toml are the ones trusted."""
    if not reply.has_redirect_location:
        return
    here = reply.request.url
    try:
        there = here.join(reply.headers["Location"])
    except httpx.InvalidURL:
        raise FetchError(f"{here.host} redirected to a malformed address: not followed") from None
    if (there.scheme, there.host, there.port) != (here.scheme, here.host, here.port):
        raise FetchError(f"{here.host} redirected to {there.scheme}://{there.host}: not followed "
                         "(put the address it gives in [fetch] of handouts.toml if it is right)")


def _received(chunks: Iterable[bytes], deadline: float, limit: int, host: str) -> Iterator[bytes]:
    """The raw chunks, until the deadline and up to the limit (bytes that decode to nothing count too)."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise FetchError(_too_large(host, limit))
        yield chunk
        if time.monotonic() > deadline:
            raise _Late()


def decoded(chunks: Iterable[bytes], encoding: str, host: str) -> Iterator[bytes]:
    """The content of a reply sent with ``Content-Encoding: encoding``, in pieces of at most PIECE
    bytes, so a caller that counts them stops a bomb after one piece too many."""
    layers = [e.strip().lower() for e in encoding.split(",") if e.strip().lower() not in ("", "identity")]
    if len(layers) > 2:
        raise FetchError(f"{host}'s reply is encoded {len(layers)} times over: refused")
    for layer in reversed(layers):  # listed in the order they were applied
        if layer not in _WBITS:
            raise FetchError(f"{host} answered in the {layer[:20]!r} encoding, which was not asked for: refused")
        chunks = _inflate(chunks, _WBITS[layer], host)
    return iter(chunks)


_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def _inflate(chunks: Iterable[bytes], wbits: int, host: str) -> Iterator[bytes]:
    inflater = zlib.decompressobj(wbits)
    try:
        for data in chunks:
            while True:  # never more than PIECE bytes out of one step
                piece = inflater.decompress(data, PIECE)
                if piece:
                    yield piece
                data = inflater.unconsumed_tail
                if inflater.eof or (not data and len(piece) < PIECE):
                    break
            if inflater.eof:
                return
    except zlib.error as exc:
        raise FetchError(f"{host}'s reply is not valid gzip ({exc})") from None
    raise FetchError(f"{host}'s reply ends in the middle of its gzip data")


def _too_large(host: str, limit: int) -> str:
    return f"{host}'s reply is larger than {limit / 1024 / 1024:g} MB: refused (raise fetch.max_mb in handouts.toml)"


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:120]
