"""QR codes as inline PNG data, so the PDF needs no file and no network to show one."""

from __future__ import annotations

import functools

import segno


@functools.lru_cache(maxsize=256)
def data_uri(url: str) -> str:
    # One pixel a module, printed with interpolation off (``image-rendering: pixelated``):
    # the modules stay sharp squares at any size. A raster, not SVG, because WeasyPrint
    # keeps an SVG's whole layout context alive for as long as its page, which a
    # packet of hundreds of handouts cannot afford.
    # Medium error correction survives a smudged or creased printout.
    return segno.make(url, error="m").png_data_uri(scale=1, border=1)
