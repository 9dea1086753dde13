"""QR codes as inline SVG data, so the PDF needs no file and no network to show one."""

from __future__ import annotations

import base64
import functools
import io

import segno


@functools.lru_cache(maxsize=256)
def data_uri(url: str) -> str:
    buffer = io.BytesIO()
    # Medium error correction survives a smudged or creased printout.
    segno.make(url, error="m").save(buffer, kind="svg", border=1, xmldecl=False, svgns=True)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
