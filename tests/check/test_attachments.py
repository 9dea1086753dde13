"""No workspace file leaves inside a PDF (issue 27.2): a brand template with <a rel="attachment">
attached the workspace's .env to every patient's handout, and `check` passed it."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest

from handouts.builder import runner
from handouts.builder.options import BuildOptions
from handouts.check import handout_check
from handouts.pdf import readback, render
from handouts.workspace import catalogue

from ..attacks import no_traceback, record, run_handouts
from ..conftest import REPO

SECRET = b"API_TOKEN=made-up-secret-for-the-test\n"
FOOTER = (REPO / "templates" / "_footer.html").read_text()
DISCLAIMER = '<p class="disclaimer">'


def evil_brand(make_workspace, template: str):
    """A workspace whose brand footer template holds ``template`` in its first paragraph, and a secret in .env."""
    root = make_workspace({"a.yaml": record("alfamab")})
    (root / ".env").write_bytes(SECRET)
    brand = root / "styles" / "brands" / "evil"
    brand.mkdir(parents=True)
    (brand / "brand.toml").write_text('clinic = "Evil Clinic"\nwrite_in_phones = true\n')
    (brand / "_footer.html").write_text(FOOTER.replace(DISCLAIMER, DISCLAIMER + template))
    (root / "handouts.toml").write_text('brand = "evil"\n')
    return root


@pytest.mark.parametrize("link", ['<a rel="attachment" href=".env">notes</a>',
                                  "<link rel='alternate Attachment' href='.env'>"])
def test_a_template_attaching_a_file_is_refused_with_its_file_and_line(make_workspace, link):
    root = evil_brand(make_workspace, link)
    done = run_handouts("build", "--strict", "-j", "1", cwd=root)
    no_traceback(done)
    line = FOOTER.count("\n", 0, FOOTER.index(DISCLAIMER)) + 1
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (f"Error: styles/brands/evil/_footer.html:{line}: attaches a file to the "
                                            'PDF (rel="attachment"): a handout never carries a file')
    assert not list((root / "out").glob("*.pdf"))


@pytest.mark.parametrize("link", [
    """<a rel="{{ 'attach' ~ 'ment' }}" href="{{ '.e' ~ 'nv' }}">notes</a>""",
    """<link rel="{{ 'attach' ~ 'ment' }}" href="{{ '.e' ~ 'nv' }}">""",
])
def test_an_attachment_spelled_past_the_static_check_is_refused_when_laid_out(make_workspace, link):
    root = evil_brand(make_workspace, link)
    done = run_handouts("build", "--strict", "-j", "1", cwd=root)
    no_traceback(done)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == ('FAILED alfamab: a template attaches a file to the PDF (rel="attachment"): '
                                           "a handout never carries a file; take it out of the template")
    assert not list((root / "out").glob("*.pdf"))


def test_check_fails_a_pdf_that_carries_a_file(make_workspace, monkeypatch):
    """Should a file reach a PDF some other way, `check` reads it back and fails the handout."""
    root = make_workspace({"a.yaml": record("alfamab")})
    options = BuildOptions(strict=True, jobs=1)

    def figure():
        _, (report,) = handout_check.check(root, catalogue.load(root), (), options, dt.date.today())
        return next(f for f in report.figures if f.name == "files attached")

    assert (figure().status, figure().value) == ("pass", "0")
    write = render.pdf_bytes

    def with_a_file(document, html):  # what the guard above stops: a PDF with .env inside
        pdf = pypdf.PdfWriter(clone_from=io.BytesIO(write(document, html)))
        pdf.add_attachment(".env", SECRET)
        out = io.BytesIO()
        pdf.write(out)
        return out.getvalue()

    monkeypatch.setattr(render, "pdf_bytes", with_a_file)
    failed = figure()
    assert (failed.status, failed.value, failed.detail) == ("fail", "1", ".env")


def test_readback_names_file_attachment_annotations(make_workspace, tmp_path):
    root = make_workspace({"a.yaml": record("alfamab")})
    (result,) = runner.build(root, catalogue.load(root), (), BuildOptions(strict=True, jobs=1))
    pdf = pypdf.PdfWriter(clone_from=result.path)
    pdf.add_attachment(".env", SECRET)
    spec = pdf._root_object["/Names"]["/EmbeddedFiles"]["/Names"][1]
    pdf.add_annotation(0, pypdf.generic.DictionaryObject({
        pypdf.generic.NameObject("/Type"): pypdf.generic.NameObject("/Annot"),
        pypdf.generic.NameObject("/Subtype"): pypdf.generic.NameObject("/FileAttachment"),
        pypdf.generic.NameObject("/Rect"): pypdf.generic.ArrayObject([pypdf.generic.FloatObject(v) for v in (0, 0, 9, 9)]),
        pypdf.generic.NameObject("/FS"): spec,
    }))
    attached = tmp_path / "attached.pdf"
    with attached.open("wb") as out:
        pdf.write(out)
    assert readback.attachments(attached) == [".env", ".env (page 1)"]
    assert readback.attachments(result.path) == []
