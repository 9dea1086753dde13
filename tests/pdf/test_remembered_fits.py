"""Fits are remembered: the cuts and scale of each handout, stored under the fingerprint of its
inputs, let `build --force`, a packet after a build and `check` after a build lay each handout out
once (counted here; `check` adds its trials of a roomy page), with the very bytes a cold run makes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from handouts.build import cache, packet, runner
from handouts.build.options import BuildOptions
from handouts.check import handout_check
from handouts.page import templating
from handouts.page.content import Cuts
from handouts.workspace import catalogue

from ..helpers import PACKETS, REPO

AS_OF = dt.date(2026, 1, 15)
DRUGS = ("corvimab", "dulotinib", "ferazumab", "gelvaciclib")


@pytest.fixture
def passes(monkeypatch) -> list[str]:
    """The title of the page each handout layout pass renders, as it is rendered."""
    seen: list[str] = []
    render = templating.render

    def counted(env, handout, *args, **kwargs):
        seen.append(handout.title)
        return render(env, handout, *args, **kwargs)

    monkeypatch.setattr(templating, "render", counted)
    return seen


@pytest.fixture
def regimen(tmp_path) -> Path:
    """The four fictional drugs and the two shipped ones (one of which needs fitting)."""
    root = tmp_path / "ws"
    shutil.copytree(REPO / "sources", root / "sources")
    for path in (PACKETS / "regimen4").glob("*.yaml"):
        shutil.copyfile(path, root / "sources" / path.name)
    return root


def options(root: Path, **more) -> BuildOptions:
    return BuildOptions(strict=True, jobs=1, **more)


def make_packet(root: Path, output: Path) -> bytes:
    spec = packet.PacketSpec(drugs=DRUGS + ("Blincyto",), title="Regimen")
    result = packet.make(root, catalogue.load(root), spec, options(root, output=output))
    assert not result.failed
    return result.path.read_bytes()


def test_a_packet_after_a_build_lays_out_each_handout_once_with_the_cold_packets_bytes(regimen, passes):
    cold = make_packet(regimen, regimen / "cold")
    assert passes.count("Blinatumomab") > 1, "blinatumomab needs fitting: the cold packet fits it"
    results = runner.build(regimen, catalogue.load(regimen), [], options(regimen))
    assert {r.status for r in results} == {"built"}
    passes.clear()
    warm = make_packet(regimen, regimen / "out")
    assert sorted(passes) == sorted(["Corvimab", "Dulotinib", "Ferazumab", "Gelvaciclib", "Blinatumomab"])
    assert warm == cold


def test_build_force_lays_out_each_handout_once_with_the_same_bytes(regimen, passes):
    first = runner.build(regimen, catalogue.load(regimen), [], options(regimen))
    before = {r.drug: r.path.read_bytes() for r in first}
    assert len(passes) > len(first)
    passes.clear()
    again = runner.build(regimen, catalogue.load(regimen), [], options(regimen, force=True))
    assert [r.status for r in again] == ["built"] * len(first)
    assert len(passes) == len(first) and all(r.passes == 1 for r in again)
    assert {r.drug: r.path.read_bytes() for r in again} == before


def test_check_after_a_build_lays_out_each_handout_once(regimen, passes):
    cold = handout_check.check(regimen, catalogue.load(regimen), [], BuildOptions(), as_of=AS_OF)
    cold_passes = len(passes)
    runner.build(regimen, catalogue.load(regimen), [], BuildOptions(jobs=1))
    passes.clear()
    _, warm = handout_check.check(regimen, catalogue.load(regimen), [], BuildOptions(), as_of=AS_OF)
    # Once each; a page that leaves a body line or more empty while it leaves content out adds
    # one layout per item left out: check's proof that none of them fits.
    trials = {r.drug: int(re.search(r"each of the (\d+) items", f.detail)[1]) for r in warm for f in r.figures
              if f.name == "empty space with content left out" and "given back" in f.detail}
    assert Counter(passes) == {title: 1 + trials.get(title.lower(), 0) for title in set(passes)}
    assert len(set(passes)) == len(warm) and len(passes) < cold_passes
    assert [r.status for r in warm] == [r.status for r in cold[1]]


def test_a_fit_that_cannot_be_read_back_is_fitted_again(regimen, passes):
    runner.build(regimen, catalogue.load(regimen), ["Blincyto"], options(regimen))
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
        (result,) = runner.build(regimen, catalogue.load(regimen), ["Blincyto"], options(regimen, force=True))
        assert result.status == "built" and len(passes) > 1
        assert result.path.read_bytes() == before
    # An older manifest entry with no fit at all still reads: the PDF is unchanged.
    data["blinatumomab.pdf"].pop("fit")
    manifest.write_text(json.dumps(data))
    (result,) = runner.build(regimen, catalogue.load(regimen), ["Blincyto"], options(regimen))
    assert result.status == "unchanged"
