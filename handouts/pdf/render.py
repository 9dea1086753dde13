"""WeasyPrint, fenced in: lay out HTML, measure it, and write a tagged, repeatable PDF atomically.

WeasyPrint may read only data: URIs and files under the roots it is given (the
workspace and the package's assets); everything else, the network above all, is
refused. It reports missing fonts, bad CSS and missing images as log warnings, not
exceptions, so a ``Renderer`` collects them and, when strict, fails on them.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from ..errors import BuildError, InputError

WEASYPRINT_LOGGERS = ("weasyprint",)


class SandboxFetcher(URLFetcher):
    """A URL fetcher that serves data: URIs and local files under the allowed roots, and nothing else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols=("data", "file"))
        self.roots = [r.resolve() for r in roots]

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"refused to read a file outside the workspace: {path}")
        elif parsed.scheme != "data":
            raise ValueError(f"refused to fetch {url}: handouts never uses the network")
        return super().fetch(url, headers)


class _Collect(logging.Handler):
    """Adds each warning to the caller's list as it arrives, so the caller can look mid-block."""

    def __init__(self, messages: list[str]):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def collected_warnings(messages: list[str]):
    """Collect WeasyPrint's warnings into ``messages`` while the block runs."""
    handler = _Collect(messages)
    loggers = [logging.getLogger(name) for name in WEASYPRINT_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@dataclass
class Renderer:
    """Lays out handout HTML with one brand's stylesheets; parse the CSS once, lay out many times."""

    stylesheets: list[Path]
    roots: list[Path]
    strict: bool = False
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.fetcher = SandboxFetcher(self.roots)
        self.font_config = FontConfiguration()
        self.css = [self._stylesheet(path) for path in self.stylesheets]
        # Images by URL, shared by every layout: the logo and icons are decoded once a build.
        self.images: dict = {}
        self.stylesheet_warnings = list(self.warnings)

    def _stylesheet(self, path: Path) -> CSS:
        """Parse one stylesheet; its warnings name it, and under strict stop the build before it starts."""
        found: list[str] = []
        with collected_warnings(found):
            css = CSS(filename=str(path), font_config=self.font_config, url_fetcher=self.fetcher)
        self.warnings.extend(f"{path.name}: {message}" for message in found)
        if self.strict and found:
            line = re.search(r" at (\d+):\d+", found[0])
            raise InputError(path, f"WeasyPrint warning (strict): {found[0]}", int(line[1]) if line else None)
        return css

    def reset_warnings(self) -> None:
        """Start a new handout's warnings; the stylesheets' own stay, since every handout uses them."""
        self.warnings[:] = self.stylesheet_warnings

    def layout(self, html: str, base_url: Path) -> Document:
        with collected_warnings(self.warnings):
            document = HTML(string=html, base_url=str(base_url), url_fetcher=self.fetcher).render(
                stylesheets=self.css, font_config=self.font_config, cache=self.images, pdf_variant="pdf/ua-1", pdf_tags=True,
            )
        self._check()
        refuse_attachments(document)
        return document

    def _check(self) -> None:
        if self.strict and self.warnings:
            raise BuildError(f"WeasyPrint warning (strict): {self.warnings[0]}")


def refuse_attachments(document: Document) -> None:
    """A PDF carries no file: WeasyPrint embeds the file of a <link rel="attachment"> or an
    <a rel="attachment"> (from anywhere its fetcher may read: the workspace, and its .env), and
    every patient's copy would take it along."""
    if document.metadata.attachments or any(link[0] == "attachment" for page in document.pages for link in page.links):
        raise BuildError('a template attaches a file to the PDF (rel="attachment"): a handout never carries a file; '
                         "take it out of the template")


def _fetch_nothing(url, *args, **kwargs):
    raise ValueError(f"refused to read {url} while writing the PDF: everything it shows was read when laid out")


def pdf_bytes(document: Document, html: str) -> bytes:
    """The PDF, with an identifier derived from its content so identical inputs give identical bytes.

    Whatever a layout fetched it holds already: writing fetches nothing (that would be an
    attachment, or XMP metadata), so the file a sneaked-in attachment names is never read."""
    refuse_attachments(document)
    document = document.copy()
    document.url_fetcher = _fetch_nothing
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    return document.write_pdf(pdf_identifier=identifier, pdf_variant="pdf/ua-1", pdf_tags=True)
