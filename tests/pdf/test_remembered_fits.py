"""Fits are remembered: the cuts and scale of each handout, stored under the fingerprint of its
inputs, let `build --force`, a packet after a build and `check` after a build lay each handout out
once (counted here; `check` adds its trials of a roomy page), with the very bytes a cold run makes.
The regimen is built cold once for the module; each test starts from a copy of that build."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from handouts.builder import cache, packet, runner
from handouts.builder.options import BuildOptions
from handouts.check import handout_check
from handouts.page import templating
from handouts.page.content import Cuts
from handouts.pdf.render import collected_warnings
from handouts.workspace import catalogue

from ..helpers import PACKETS, REPO

AS_OF = dt.date(2026, 1, 15)
DRUGS = ("corvimab", "dulotinib", "ferazumab", "gelvaciclib")


def count_passes(monkeypatch, seen: list[str]) -> None:
    """Note the title of the page each handout layout pass renders, as it is rendered."""
    render = templating.render

    def counted(env, handout, *args, **kwargs):
        seen.append(handout.title)
        return render(env, handout, *args, **kwargs)

    monkeypatch.setattr(templating, "render", counted)


@pytest.fixture
def passes(monkeypatch) -> list[str]:
    """The title of the page each handout layout pass renders, as it is rendered."""
    seen: list[str] = []
    count_passes(monkeypatch, seen)
    return seen


def options(**more) -> BuildOptions:
    return BuildOptions(strict=True, jobs=1, **more)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> SimpleNamespace:
    """The four fictional drugs and the two shipped ones (one of which needs fitting), built cold
    once: the workspace, its PDFs, and the layout passes that took."""
    root = tmp_path_factory.mktemp("regimen") / "ws"
    shutil.copytree(REPO / "sources", root / "sources")
    for path in (PACKETS / "regimen4").glob("*.yaml"):
        shutil.copyfile(path, root / "sources" / path.name)
    seen: list[str] = []
    messages: list[str] = []
    with pytest.MonkeyPatch.context() as monkeypatch, collected_warnings(messages):
        count_passes(monkeypatch, seen)
        results = runner.build(root, catalogue.load(root), [], options())
    assert not messages, f"WeasyPrint warned: {messages}"
    assert {r.status for r in results} == {"built"}, [r.message for r in results]
    return SimpleNamespace(root=root, passes=len(seen), pdfs={r.drug: r.path.read_bytes() for r in results})


@pytest.fixture
def regimen(built, tmp_path) -> Path:
    """A copy of the built workspace, its output folder and the fits remembered there included."""
    root = tmp_path / "ws"
    shutil.copytree(built.root, root)
    return root


def make_packet(root: Path, output: Path) -> bytes:
    spec = packet.PacketSpec(drugs=DRUGS + ("Blincyto",), title="Regimen")
    result = packet.make(root, catalogue.load(root), spec, options(output=output))
    assert not result.failed
    return result.path.read_bytes()


def test_a_packet_after_a_build_lays_out_each_handout_once_with_the_cold_packets_bytes(regimen, passes):
    # A packet into another folder finds no fits there: it fits its handouts cold.
    cold = make_packet(regimen, regimen / "cold")
    assert passes.count("Blinatumomab") > 1, "blinatumomab needs fitting: the cold packet fits it"
    passes.clear()
    warm = make_packet(regimen, regimen / "out")
    assert sorted(passes) == sorted(["Corvimab", "Dulotinib", "Ferazumab", "Gelvaciclib", "Blinatumomab"])
    assert warm == cold


def test_build_force_lays_out_each_handout_once_with_the_same_bytes(built, regimen, passes):
    assert built.passes > len(built.pdfs)  # the cold build fitted some
    again = runner.build(regimen, catalogue.load(regimen), [], options(force=True))
    assert [r.status for r in again] == ["built"] * len(built.pdfs)
    assert len(passes) == len(again) and all(r.passes == 1 for r in again)
    assert {r.drug: r.path.read_bytes() for r in again} == built.pdfs


def test_check_after_a_build_lays_out_each_handout_once(regimen, passes, tmp_path):
    # Checked as if into an empty output folder, check finds no fits: it is a cold check. (Strict,
    # as the build was: the fits are remembered under inputs and options.)
    # Three drugs show the pattern: one fitted with trials of a roomy page, one fitted, one at full size.
    names = ["Blincyto", "Besponsa", "corvimab"]
    cold = handout_check.check(regimen, catalogue.load(regimen), names,
                               BuildOptions(strict=True, output=tmp_path / "empty"), as_of=AS_OF)
    cold_passes = len(passes)
    passes.clear()
    _, warm = handout_check.check(regimen, catalogue.load(regimen), names, BuildOptions(strict=True), as_of=AS_OF)
    # Once each; a page that leaves a body line or more empty while it leaves content out adds
    # one layout per item left out: check's proof that none of them fits.
    trials = {r.drug: int(re.search(r"each of the (\d+) items", f.detail)[1]) for r in warm for f in r.figures
              if f.name == "empty space with content left out" and "given back" in f.detail}
    assert Counter(passes) == {title: 1 + trials.get(title.lower(), 0) for title in set(passes)}
    assert len(set(passes)) == len(warm) == len(names) and len(passes) < cold_passes
    assert trials.get("blinatumomab"), "blinatumomab's page is left roomy: check tries what it left out"
    assert [r.status for r in warm] == [r.status for r in cold[1]]


def test_a_fit_that_cannot_be_read_back_is_fitted_again(regimen, passes):
    before = (regimen / "out" / "blinatumomab.pdf").read_bytes()
    manifest = regimen / "out" / cache.MANIFEST
    data = json.loads(manifest.read_text())
    stored = data["blinatumomab.pdf"]["fit"]
    assert stored["cuts"] == dataclasses.asdict(Cuts(**stored["cuts"])) and stored["scale"] < 1
    # A Cuts of another shape (a field since renamed) and plain damage: each is fitted afresh.
    for damaged in ({"cuts": {**stored["cuts"], "renamed_field": 1}, "scale": stored["scale"]}, {"cuts": "x"}):
        data["blinatumomab.pdf"]["fit"] = damaged
        manifest.write_text(json.dumps(data))
        passes.clear()
        (result,) = runner.build(regimen, catalogue.load(regimen), ["Blincyto"], options(force=True))
        assert result.status == "built" and len(passes) > 1
        assert result.path.read_bytes() == before
    # An older manifest entry with no fit at all still reads: the PDF is unchanged.
    data["blinatumomab.pdf"].pop("fit")
    manifest.write_text(json.dumps(data))
    (result,) = runner.build(regimen, catalogue.load(regimen), ["Blincyto"], options())
    assert result.status == "unchanged"
