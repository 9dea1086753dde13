"""Issue 27, point 4: the sandbox's bounds hold for filters and printing too. Each attack is a
workspace template run by a real build in a child process, whose time and peak memory are
measured; it ends in one line naming the template and line, or builds, within the bounds."""

from __future__ import annotations

import time

import pytest

from handouts.page import sandbox

from ..helpers import fever_record as record
from ..measure import run_handouts

# A child build of one drug takes about 1.5 s and 70 MB; the slowest filter allowed at the
# sandbox's bounds a few seconds more and a few hundred MB. Before, these ran for minutes or
# took gigabytes.
SECONDS = 40
PEAK_MB = 500
REFUSED = "template error: a template gave a filter or printed more than 2,000,000 characters or items"
MILLION = "(range(100000) | list * 10)"  # a million numbers, within the bound on one list
HUGE = "(['x' * 1000000] * 1000000)"  # a million items, each a million characters

# (name, template line, what the build says: None = it is built)
ATTACKS = [
    ("striptags", "{{ ('<>' * 1000000) | striptags }}", None),
    ("wordwrap-spaces", "{{ (' ' * 1900000) | wordwrap }}", None),
    ("pprint", "{{ [MILLION, MILLION] | pprint | length }}", REFUSED),
    ("tojson", "{{ HUGE | tojson | length }}", REFUSED),
    ("string", "{{ HUGE | string | length }}", REFUSED),
    ("sum-lists", "{{ ([range(20) | list] * 100000) | sum(start=[]) | length }}", REFUSED),
    ("join", "{{ HUGE | join | length }}", REFUSED),
    ("print", "{{ HUGE }}", REFUSED),
    ("tilde", "{{ HUGE ~ '' }}", REFUSED),
    ("percent", "{{ '%s' % [HUGE] }}", REFUSED),
    ("gettext", "{{ _('Call us: %(x)s', x=HUGE) }}", REFUSED),
]


@pytest.mark.parametrize("line, outcome", [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS])
def test_filters_and_printing_are_bounded(make_workspace, line, outcome):
    root = make_workspace({"feveramab.yaml": record("feveramab")})
    (root / "templates").mkdir()
    template = root / "templates" / "_dropped.html"
    line = line.replace("HUGE", HUGE).replace("MILLION", MILLION)
    template.write_text("<p>x</p>\n" + line + "\n", encoding="utf-8")
    run = run_handouts("build", "--strict", "-j", "1", "-w", root, timeout=SECONDS * 2)
    assert run.seconds < SECONDS and run.peak_mb < PEAK_MB, (run.seconds, run.peak_mb, run.output[-500:])
    assert "Traceback" not in run.output
    if outcome is None:
        assert run.returncode == 0, run.output
        assert (root / "out" / "feveramab.pdf").exists()
    else:
        assert run.returncode == 1, run.output
        assert f"FAILED feveramab: {template}:2: {outcome}" in "\n".join(run.lines), run.output
        assert not (root / "out" / "feveramab.pdf").exists()


def render(text: str, **values) -> str:
    return sandbox.Environment(autoescape=True).from_string(text).render(**values)


def test_filters_keep_their_meaning():
    assert render("{{ 'a <b>x</b> <!-- c --> &amp; d' | striptags }}") == "a x &amp; d"
    assert render("{{ [[1], [2, 3]] | sum(start=[0]) }}") == "[0, 1, 2, 3]"
    assert render("{{ [1, 2] | sum }}") == "3"
    assert render("{{ ('a' ~ ' ' * 200 ~ 'b c') | wordwrap(10) }}") == "a\nb c"
    assert render("{{ x }}{{ a ~ b }}", x=["<"], a="<", b=[2]) == "[&#39;&lt;&#39;]&lt;[2]"
    assert render("{{ 'x' | wordcount }}") == "1"  # a filter added by Jinja, wrapped too


def test_each_filter_checks_the_time(monkeypatch):
    # No loop and no call: only the filters, run once per item by map, can see the page's time.
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(Exception, match="the templates ran for more than 0.5 seconds"):
        render("{{ (range(100000) | list * 9) | map('string') | map('upper') | map('lower') | map('trim')"
               " | map('upper') | map('lower') | list | length }}")
    assert time.monotonic() - started < 10
