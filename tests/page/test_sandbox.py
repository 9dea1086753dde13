"""Template overrides as an attacker writes them: they get plain data only, the sandbox refuses
every attribute and call beyond it, and each attack or runtime error is one line naming the
template and line, a non-zero exit, no traceback, and no PDF carrying what the attack sought."""

from __future__ import annotations

import datetime as dt
import sysconfig
from pathlib import Path

import pytest

from handouts.errors import BuildError
from handouts.page import sandbox, templating
from handouts.page.content import Cuts, plan
from handouts.workspace import catalogue
from handouts.workspace.brand import load as load_brand

from .. import pdfread
from ..helpers import add_brand, fever_record, invoke, lines, run_build, toml

CANARY = "CANARY-SECRET-7f3a"
PTH = Path(sysconfig.get_paths()["purelib"]) / "handouts-sandbox-attack.pth"


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(CANARY)
    return path


@pytest.fixture
def written(tmp_path):
    """Files an attack tries to write: none may exist afterwards (removed if one does)."""
    targets = [tmp_path / "outside-written.txt", PTH]
    yield targets
    for target in targets:
        target.unlink(missing_ok=True)


# (name, template text after a first harmless line, what the error says)
ATTACKS = [
    ("read-passwd", "{{ brand.folder.joinpath('/etc/passwd').read_text() }}", "cannot use 'joinpath' of text"),
    ("read-secret", "{{ brand.logo.read_text() }}", "cannot use 'read_text' of text"),
    ("read-open", "{{ brand.folder.open().read() }}", "cannot use 'open' of text"),
    ("write-outside", "{{ brand.folder.joinpath('{written}').write_text('x') }}", "cannot use 'joinpath' of text"),
    ("write-pth", "{{ brand.folder.joinpath('{pth}').write_text('import os') }}", "cannot use 'joinpath' of text"),
    ("include-passwd", "{% include '/etc/passwd' %}", "template not found: /etc/passwd"),
    ("include-parent", "{% include '../../secret.txt' %}", "template not found: ../../secret.txt"),
    ("class-mro", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "cannot use '__class__' of text"),
    ("mapping-class", "{{ brand.__class__ }}", "no value '__class__' here"),
    ("globals", "{{ cycler.__init__.__globals__ }}", "cannot use '__init__' of a type"),
    ("self-globals", "{{ self.__init__.__globals__ }}", "cannot use '__init__' of a TemplateReference"),
    ("mro", "{{ dict.mro() }}", "cannot use 'mro' of a type"),
    ("dict-method", "{{ brand.items() }}", "no value 'items' here"),
    ("attr-filter", "{{ brand|attr('__class__') }}", "no value '__class__' here"),
    ("format", "{{ '{0.__class__.__mro__}'.format(brand) }}", "cannot use 'format' of text"),
    ("format-map", "{{ '{folder}'.format_map(brand) }}", "cannot use 'format_map' of text"),
    ("format-attr", "{{ ('{0.__globals__}'|attr('format'))(cycler.reset) }}", "cannot use 'format' of text"),
    ("method", "{{ h.title.upper() }}", "cannot use 'upper' of text"),
    ("range", "{% for i in range(10**9) %}x{% endfor %}", "range() of more than 100,000 numbers"),
    ("power", "{{ 10 ** (10 ** 10) }}", "is too large a number"),
    ("repeat", "{{ 'x' * 10**9 }}", "a template made a value of 1,000,000,000 characters"),
    ("doubling", "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "a template made a value of"),
    ("macro-doubling", "{% macro m(s, n) %}{{ m(s ~ s, n - 1) if n else s }}{% endmacro %}{{ m('ab', 64) }}",
     "a template made a value of"),
    ("format-width", "{{ '%999999999d' % 1 }}", "format width"),
    ("center", "{{ 'a'|center(10**9) }}", "the center filter was given 1,000,000,000"),
    ("batch", "{{ [1]|batch(10**9, 'x')|list }}", "the batch filter was given 1,000,000,000"),
    ("lipsum", "{{ lipsum(10**6) }}", "'lipsum' is undefined"),
    # Runtime errors (issue 18.7): one line, not a traceback.
    ("divide", "{{ 1/0 }}", "ZeroDivisionError: division by zero"),
    ("add", "{{ 'a' + 1 }}", 'TypeError: can only concatenate str (not "int") to str'),
    ("undefined", "{{ no_such_name }}", "'no_such_name' is undefined"),
    ("call-undefined", "{{ no_such_name() }}", "'no_such_name' is undefined"),
    ("include-itself", "{% include '_header.html' %}", "templates include or call each other without end"),
]


def attack_workspace(make_workspace, where: str, text: str, secret: Path, written) -> tuple[Path, Path, list[str]]:
    """A workspace whose _header.html override (in a brand folder, or in templates/) holds ``text``
    on line 2; the brand has a logo so that brand.logo is set. Returns (root, template, build args)."""
    root = make_workspace({"feveramab.yaml": fever_record("feveramab")})
    text = text.replace("{written}", str(written[0])).replace("{pth}", str(written[1]))
    template = "<p>Header</p>\n" + text + "\n"
    logo = '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="12"><rect width="24" height="12"/></svg>'
    if where == "brand":
        folder = add_brand(root, "evil", toml(logo="logo.svg"), {"_header.html": template, "logo.svg": logo})
        return root, folder / "_header.html", ["--brand", "evil"]
    folder = add_brand(root, "plain", toml(logo="logo.svg"), {"logo.svg": logo})
    (root / "templates").mkdir()
    (root / "templates" / "_header.html").write_text(template, encoding="utf-8")
    return root, root / "templates" / "_header.html", ["--brand", folder.name]


@pytest.mark.parametrize("where", ["brand", "workspace"])
@pytest.mark.parametrize("text, message", [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS])
def test_template_attack_is_one_line_and_nothing_leaks(make_workspace, file_reads, secret, written,
                                                       where, text, message):
    root, template, args = attack_workspace(make_workspace, where, text, secret, written)
    reads = file_reads(secret, "/etc/passwd")
    result = run_build(root, *args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    failed = [line for line in lines(result) if line.startswith("FAILED")]
    assert len(failed) == 1 and "\n" not in failed[0]
    assert failed[0].startswith(f"FAILED feveramab: {template}:2: template error: "), failed[0]
    assert message in failed[0]
    assert not (root / "out" / "feveramab.pdf").exists()
    assert CANARY not in result.output and "root:" not in result.output
    assert reads == []
    assert not any(target.exists() for target in written)


@pytest.mark.parametrize("text", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(60) }}",
], ids=["nested-loops", "macro-tree"])
def test_a_template_that_runs_too_long_is_stopped(make_workspace, monkeypatch, text):
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.5)  # 10 s in real builds
    root = make_workspace({"feveramab.yaml": fever_record("feveramab")})
    (root / "templates").mkdir()
    (root / "templates" / "_dropped.html").write_text("<p>x</p>\n" + text + "\n", encoding="utf-8")
    result = run_build(root)  # the message below says the timer stopped it, not the template's end
    assert result.exit_code == 1, result.output
    assert f"FAILED feveramab: {root / 'templates' / '_dropped.html'}:2: template error: " \
           "the templates ran for more than 0.5 seconds" in lines(result)


def test_a_template_linked_to_an_outside_file_is_refused(make_workspace, secret, file_reads):
    root = make_workspace({"feveramab.yaml": fever_record("feveramab")})
    (root / "templates").mkdir()
    (root / "templates" / "_dropped.html").symlink_to(secret)
    reads = file_reads(secret)
    result = run_build(root)
    assert result.exit_code == 1, result.output
    (failed,) = [line for line in lines(result) if line.startswith("FAILED")]
    assert f"{root / 'templates' / '_dropped.html'}: a link to a file outside its folder" in failed
    assert CANARY not in result.output and reads == []


def test_a_template_error_fails_only_the_drug_it_happens_for(make_workspace):
    # Issue 18.7: the drug fails with one line; the others build.
    root = make_workspace({"fine.yaml": fever_record("finamab"), "bad.yaml": fever_record("badamab")})
    (root / "templates").mkdir()
    (root / "templates" / "_dropped.html").write_text(
        "{# line 1 #}\n{% if h.title == 'Badamab' %}\n{{ 1 / 0 }}\n{% endif %}\n", encoding="utf-8")
    result = run_build(root)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert (root / "out" / "finamab.pdf").is_file() and not (root / "out" / "badamab.pdf").exists()
    assert f"FAILED badamab: {root / 'templates' / '_dropped.html'}:3: template error: ZeroDivisionError: " \
           "division by zero" in lines(result)
    assert lines(result)[-2:] == ["1 built, 0 unchanged, 1 failed:", f"  badamab: {root / 'templates' / '_dropped.html'}:3: "
                                  "template error: ZeroDivisionError: division by zero"]


def test_a_template_syntax_error_names_the_file_and_line(make_workspace):
    root = make_workspace({"feveramab.yaml": fever_record("feveramab")})
    (root / "templates").mkdir()
    (root / "templates" / "_dropped.html").write_text("<p>one</p>\n<p>{{ h.title </p>\n", encoding="utf-8")
    result = run_build(root)
    assert result.exit_code == 1, result.output
    (failed,) = [line for line in lines(result) if line.startswith("FAILED")]
    assert failed.startswith(f"FAILED feveramab: {root / 'templates' / '_dropped.html'}:2: template error: ")


def test_packet_pages_get_the_same_fence(make_workspace, secret):
    root = make_workspace({"feveramab.yaml": fever_record("feveramab")})
    (root / "templates").mkdir()
    (root / "templates" / "packet_cover.html").write_text(
        "<p>cover</p>\n{{ brand.folder.joinpath('" + str(secret) + "').read_text() }}\n", encoding="utf-8")

    result = invoke("packet", "-w", root, "feveramab")
    assert result.exit_code == 1, result.output
    assert lines(result) == [f"Error: {root / 'templates' / 'packet_cover.html'}:2: template error: "
                             "templates cannot use 'joinpath' of text: they get plain data (text, numbers, "
                             "lists, mappings) and filters such as | upper"]
    assert CANARY not in result.output


def test_what_templates_may_still_do(make_workspace):
    # Jinja's own machinery and the spellings the built-in templates use keep working.
    root = make_workspace({"feveramab.yaml": fever_record("feveramab")})
    logo = '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="12"><rect width="24" height="12"/></svg>'
    folder = add_brand(root, "kind", toml(logo="logo.svg"), {"logo.svg": logo, "_dropped.html": (
        "{% macro tag(x) %}[{{ x }}]{% endmacro %}"
        "{% set ns = namespace(count=0) %}{% set c = cycler('odd', 'even') %}{% set comma = joiner(', ') %}"
        "<p>"
        "{% for s in h.urgent[0].sentences + h.urgent[0].short %}{{ comma() }}{{ loop.index }}-{{ c.next() }}"
        "{% set ns.count = ns.count + 1 %}{% endfor %} count {{ ns.count }};"
        " {{ tag(h.title | upper) }} made {{ h.made.isoformat() }} year {{ h.made.year }};"
        " {{ h.brands | join('/') }} {{ brand['clinic'] }} {{ dict(a=1).a }} {{ range(3) | list | length }};"
        " {% for g in h.record.urgent_signs | groupby('source') %}{{ g.list | length }} signs{% endfor %};"
        " {{ h.record.sources | map(attribute='publisher') | join }}; {{ '%s!' % h.title }};"
        " logo {{ brand.logo.as_uri()[:8] }};"
        "{% import '_signs.html' as signs %} {{ signs.sign_lists is defined }}"
        " {{ h.brands | slice(1) | list | length }} {{ 'x' | center(3) }}|"
        "</p>")})
    (root / "templates").mkdir()
    (root / "templates" / "handout.html").write_text(
        '{% extends "builtin/handout.html" %}{% block title %}Ours: {{ super() }}{% endblock %}'
        '{% block body %}{{ super() }}<p>again {{ self.title() }}</p>{% endblock %}', encoding="utf-8")
    result = run_build(root, "--brand", folder.name, "--date", "2025-06-01")
    assert result.exit_code == 0, result.output
    text = pdfread.text(root / "out" / "feveramab.pdf").replace("\n", " ")
    assert "1-odd, 2-even count 2; [FEVERAMAB] made 2025-06-01 year 2025;" in text
    assert "Feveramabra Testing Clinic 1 3; 2 signs; Test Press; Feveramab!; logo file:///; True 1 x |" in text, text
    assert "again Ours: Feveramab (Feveramabra): patient handout" in text


def test_templates_receive_only_plain_data(shipped_workspace):
    """Everything the page templates get, walked: only plain types, never a path or an object."""
    catalog = catalogue.load(shipped_workspace)
    brand = load_brand(shipped_workspace, "northside")
    handout = plan(catalog.find("blinatumomab").record, Cuts())
    values = sandbox.plain({"h": handout, "brand": brand, "paper": "letter"})
    seen = set()

    def walk(value):
        seen.add(type(value))
        if isinstance(value, dict):
            assert all(type(k) is str for k in value)
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)

    walk(values)
    assert seen <= {dict, list, tuple, str, int, float, bool, type(None), dt.date, sandbox.FileURI}
    assert values["brand"]["logo"].startswith("file:///") and values["brand"]["logo"].endswith("/logo.svg")
    assert values["brand"]["fever"] == brand.fever and values["h"]["urgent_text"] == handout.urgent_text


def test_plain_refuses_what_it_does_not_know():
    class Opaque:
        pass

    with pytest.raises(TypeError, match="a Opaque cannot be handed to a template"):
        sandbox.plain({"x": [Opaque()]})
    with pytest.raises(TypeError, match="text keys"):
        sandbox.plain({1: "one"})


def test_a_render_that_fails_is_a_build_error_not_a_jinja_one(shipped_workspace):
    env = templating.environment(shipped_workspace, load_brand(shipped_workspace, None))
    template = env.from_string("line one\n{{ 1 // 0 }}")
    with pytest.raises(BuildError, match=r"^<template>:2: template error: ZeroDivisionError"):
        template.render()
