"""The renderer's own sandbox: WeasyPrint fetches only data and files inside the workspace and the
built-in folders, never the network, and each refusal is reported (strict: an error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.errors import BuildError, InputError
from handouts.pdf import render

from .. import pdfread
from ..helpers import take_weasyprint_warnings


def test_sandbox_fetcher_serves_only_data_and_files_inside_its_roots(tmp_path, outside, listener, file_reads):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "inside.css").write_text("p { color: black; }")
    (root / "link.css").symlink_to(outside / "canary.css")
    reads = file_reads("/etc/passwd", outside / "canary.css")
    fetcher = render.SandboxFetcher([root])
    for url, content in [((root / "inside.css").as_uri(), b"p { color: black; }"), ("data:text/plain,hello", b"hello")]:
        response = fetcher.fetch(url)
        try:
            assert response.read() == content
        finally:
            response.close()
    refused = {
        f"{listener.url}/x.css": "handouts never uses the network",
        f"https://127.0.0.1:{listener.port}/x.css": "handouts never uses the network",
        f"ftp://127.0.0.1:{listener.port}/x.css": "handouts never uses the network",
        "file:///etc/passwd": "outside the workspace",
        (outside / "canary.css").as_uri(): "outside the workspace",
        (root / "link.css").as_uri(): "outside the workspace",  # a symlink out of the workspace
        f"{root.as_uri()}/..%2F..%2Foutside/canary.css": "outside the workspace",
    }
    for url, why in refused.items():
        with pytest.raises(ValueError, match=why):
            fetcher.fetch(url)
    assert listener.connections() == []
    assert reads == []


def sandbox_page(listener, outside: Path) -> str:
    canary = (outside / "canary.css").as_uri()
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sandbox</title>
<link rel="stylesheet" href="{listener.url}/link.css">
<link rel="stylesheet" href="{canary}">
</head><body>
<p class="inside">Sandbox page</p>
<img src="{listener.url}/image.png" alt="remote image">
<img src="file:///etc/passwd" alt="password file">
<div style="background-image: url({listener.url}/background.png); height: 10px"></div>
</body></html>"""


def test_renderer_refuses_network_and_outside_files_and_reports_them(
    tmp_path, outside, listener, file_reads
):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "allowed.css").write_text('p.inside::before { content: "ALLOWED-IMPORT "; }\n')
    sheet = root / "sheet.css"
    sheet.write_text(
        f'@import url("{listener.url}/import.css");\n'
        f'@import url("{(outside / "canary.css").as_uri()}");\n'
        '@import url("file:///etc/passwd");\n'
        '@import url("allowed.css");\n'
    )
    reads = file_reads("/etc/passwd", outside / "canary.css")
    renderer = render.Renderer(stylesheets=[sheet], roots=[root], strict=False)
    page = sandbox_page(listener, outside)
    document = renderer.layout(page, root)
    target = tmp_path / "sandbox.pdf"
    target.write_bytes(render.pdf_bytes(document, page))

    text = pdfread.text(target)
    assert "ALLOWED-IMPORT Sandbox page" in text  # a file inside the root is read
    assert "CANARY" not in text and "root:" not in text
    assert listener.connections() == []
    assert reads == []
    for url in [f"{listener.url}/import.css", (outside / "canary.css").as_uri(), "file:///etc/passwd",
                f"{listener.url}/link.css", f"{listener.url}/image.png", f"{listener.url}/background.png"]:
        assert [w for w in renderer.warnings if url in w and "refused" in w], (url, renderer.warnings)
    assert all("refused" in w for w in renderer.warnings), renderer.warnings
    taken = take_weasyprint_warnings()
    # The renderer names the stylesheet a warning came from; WeasyPrint's own log does not.
    assert taken and [w.removeprefix("sheet.css: ") for w in renderer.warnings] == taken


def test_strict_renderer_raises_on_a_refused_url(tmp_path, outside, listener, file_reads):
    root = tmp_path / "ws"
    root.mkdir()
    sheet = root / "sheet.css"
    sheet.write_text(f"p {{ background: url({listener.url}/strict.png) }}\n")
    reads = file_reads("/etc/passwd", outside / "canary.css")
    renderer = render.Renderer(stylesheets=[sheet], roots=[root], strict=True)  # url() loads at layout
    with pytest.raises(BuildError, match=r"^WeasyPrint warning \(strict\): .*refused"):
        renderer.layout(sandbox_page(listener, outside), root)
    imports = root / "imports.css"
    imports.write_text("@import url(file:///etc/passwd);\n")
    # A stylesheet's own warning stops the build before it starts, naming the stylesheet.
    with pytest.raises(InputError, match=r"imports\.css: WeasyPrint warning \(strict\): Failed to load stylesheet "
                                         r"at file:///etc/passwd.*refused to read a file outside the workspace"):
        render.Renderer(stylesheets=[imports], roots=[root], strict=True)
    assert listener.connections() == []
    assert reads == []
    taken = take_weasyprint_warnings()
    assert taken and all("refused" in w for w in taken), taken
