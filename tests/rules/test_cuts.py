"""The cut policy is worked out once per drug, and the "Not on this page" note the fitter counts
is the note the page prints, word for word, in the page's language (rules/cuts.py)."""

from __future__ import annotations

import html
import re

import pytest

from handouts import i18n
from handouts.builder import runner
from handouts.builder.options import BuildOptions
from handouts.page import templating
from handouts.page.content import plan
from handouts.rules import cuts, overlap
from handouts.workspace import catalogue


@pytest.mark.parametrize("code", ["en", "es"])
def test_the_note_the_fitter_counts_is_the_note_the_page_prints(shipped_workspace, code):
    ctx = runner.context(shipped_workspace, BuildOptions(lang=code))
    drug = catalogue.load(shipped_workspace).find("blinatumomab")
    layout = runner.layout_of(drug, ctx)
    policy = layout.policy
    # Something of every kind left out, a must-keep reminder (named by its topic) among them.
    omitted = frozenset({cuts.HOW, cuts.SAY, cuts.effect_id(0), *policy.order[-3:], policy.last_resort[0]})
    chosen = cuts.Cuts(0.9, omitted)
    page = templating.render(ctx.env, plan(drug.record, chosen, shown=layout.shown), ctx.brand, chosen, ctx.paper)
    printed = re.search(rf'<p id="{cuts.DROPPED}" class="dropped">(.*?)</p>', page, re.S).group(1)
    assert html.unescape(printed) == cuts.note(cuts.left_out(chosen, policy), i18n.language(code).gettext,
                                               policy.full_list)
    assert len(html.unescape(printed)) == cuts.note_length(chosen, policy)
    assert ("Not on this page" in printed) == (code == "en")


def test_a_build_resolves_the_overlaps_once_per_drug(shipped_workspace, monkeypatch):
    calls = []
    resolve = overlap.resolve
    monkeypatch.setattr(overlap, "resolve", lambda record: calls.append(record) or resolve(record))
    catalog = catalogue.load(shipped_workspace)
    (result,) = runner.build(shipped_workspace, catalog, ("blinatumomab",),
                             BuildOptions(output=shipped_workspace / "out", jobs=1))
    assert result.status == "built" and result.passes > 1 and result.dropped  # it needed fitting
    assert len(calls) == 1
