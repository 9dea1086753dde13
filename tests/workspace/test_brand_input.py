"""Issue 27, point 13: hostile brand input is one line naming the file, in bounded time and
memory measured on the child process that builds: CSS nested thousands deep, a PNG logo whose
pixels decode to gigabytes, a brand.css or template that is a FIFO, and a byte order mark before
@charset hiding an @import from the static check."""

from __future__ import annotations

import os

from ..helpers import add_brand, toml
from ..helpers import fever_record as record
from ..measure import run_handouts, run_python

SECONDS = 60
PEAK_MB = 300


def build(make_workspace, files: dict, fifo: str | None = None):
    root = make_workspace({"feveramab.yaml": record("feveramab")})
    folder = add_brand(root, "clinic", toml(), files)
    if fifo:
        os.mkfifo(folder / fifo)
    run = run_handouts("build", "--strict", "-j", "1", "-w", root, "--brand", "clinic", timeout=SECONDS * 2)
    assert run.seconds < SECONDS and run.peak_mb < PEAK_MB, (run.seconds, run.peak_mb, run.output[-500:])
    assert run.returncode != 0 and "Traceback" not in run.output, run.output
    assert not (root / "out" / "feveramab.pdf").exists()
    return folder, run


def test_deeply_nested_css_is_one_line(make_workspace):
    css = "p {\n  color: red;\n  margin: " + "calc(" * 50_000 + "1px" + ")" * 50_000 + ";\n}\n"
    folder, run = build(make_workspace, {"brand.css": css})
    assert f"Error: {folder / 'brand.css'}:3: CSS nested more than 100 levels deep" in run.lines, run.output


def test_deeply_nested_style_in_a_template_is_one_line(make_workspace):
    html = "<p>x</p>\n<style>p { margin: " + "(" * 50_000 + " }</style>\n"
    folder, run = build(make_workspace, {"_header.html": html})
    assert f"Error: {folder / '_header.html'}:2: CSS nested more than 100 levels deep" in run.lines, run.output


def test_a_logo_of_too_many_pixels_is_refused_before_decoding(make_workspace, tmp_path):
    logo = tmp_path / "logo.png"
    # Made in a child: this process's size would count in the build's measured peak (a child
    # starts with its parent's peak on Linux).
    run_python("-c", f"from PIL import Image; Image.new('1', (13_000, 13_000), 1).save({str(logo)!r}, optimize=True)")
    assert logo.stat().st_size < 100_000  # small on disk; 169 million pixels decoded
    folder, run = build(make_workspace, {"logo.png": logo.read_bytes()} | {"brand.toml": toml(logo="logo.png")})
    assert f"Error: {folder / 'brand.toml'}: logo logo.png is 13,000 x 13,000 pixels, more than 25,000,000 pixels " \
           "in all: save it smaller (a logo prints a few centimetres wide)" in run.lines, run.output


def test_a_brand_css_that_is_a_fifo_is_never_opened(make_workspace):
    folder, run = build(make_workspace, {}, fifo="brand.css")
    assert f"Error: {folder / 'brand.css'}: not a regular file (a FIFO): not read" in run.lines, run.output


def test_a_template_that_is_a_fifo_is_never_opened(make_workspace):
    folder, run = build(make_workspace, {}, fifo="_header.html")
    assert f"Error: {folder / '_header.html'}: not a regular file (a FIFO): not read" in run.lines, run.output


def test_a_byte_order_mark_before_charset_hides_no_import(make_workspace, tmp_path):
    (tmp_path / "outside.css").write_text("p { color: red }")
    css = '\ufeff@charset "utf-8";\n@import "../../../../outside.css";\np { color: blue }\n'
    folder, run = build(make_workspace, {"brand.css": css.encode("utf-8")})
    assert any(line.startswith(f"Error: {folder / 'brand.css'}:2: ") and "outside.css" in line for line in run.lines), \
        run.output
