"""A wrong page is never "built" or "unchanged": a remembered fit is checked against the type floor
and the must-keep rules before it is used (issue 27.7), and the day printed as "made" is part of
what a PDF is made from (27.9)."""

from __future__ import annotations

import json
import math
import os

import pytest

from handouts.builder import cache
from handouts.pdf import readback

from ..attacks import no_traceback, record, run_handouts

MUST_KEEP = "Use birth control."  # short: one line in its column, so read back whole
OTHER = "Rest well."
DAY = 24 * 3600


@pytest.fixture
def built(make_workspace):
    root = make_workspace({"a.yaml": record("alfamab", reminders=[MUST_KEEP, OTHER])})
    done = run_handouts("build", "--strict", "-j", "1", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


def edit_fit(root, scale, omitted, measured=None) -> None:
    """What a hand edit of the manifest can do to the fit remembered for alfamab's inputs."""
    path = root / "out" / cache.MANIFEST
    manifest = json.loads(path.read_text())
    fit = manifest["alfamab.pdf"]["fit"]
    fit["scale"] = fit["cuts"]["scale"] = scale
    fit["cuts"]["omitted"] = omitted
    if measured is not None:
        fit["measured"] = measured
    path.write_text(json.dumps(manifest))


def assert_whole_page(path) -> None:
    page = readback.inspect(path)
    assert page.smallest().size >= 10.0 - 0.05, page.smallest()
    assert MUST_KEEP in page.text and OTHER in page.text


@pytest.mark.parametrize("scale, omitted", [(0.15, ["rm-0"]), (0.15, []), (1.0, ["rm-0"]), (float("nan"), []),
                                            (-1.0, ["urgent-0"])])
def test_build_force_and_packet_never_use_a_fit_that_breaks_the_rules(built, scale, omitted):
    """Type at 15% and the birth-control reminder cut: `build` and `packet` printed a 1.8 pt page
    with exit 0. Now the stored fit is ignored and the handout fitted afresh."""
    edit_fit(built, scale if not math.isnan(scale) else "nan", omitted)
    done = run_handouts("build", "--strict", "-j", "1", "--force", cwd=built)
    no_traceback(done)
    assert (done.returncode, done.stdout.splitlines()) == (0, ["built out/alfamab.pdf", "1 built, 0 unchanged, 0 failed"])
    assert_whole_page(built / "out" / "alfamab.pdf")
    edit_fit(built, scale if not math.isnan(scale) else "nan", omitted)
    packet = run_handouts("packet", "alfamab", "--strict", cwd=built)
    no_traceback(packet)
    assert packet.returncode == 0, packet.stderr
    assert_whole_page(built / "out" / "packet-your-medicines.pdf")


@pytest.mark.parametrize("measured", [{"empty": "lots"}, {"empty": float("inf")}, {"pages": 3}, ["empty"]])
def test_a_stored_fit_with_odd_figures_is_fitted_afresh(built, measured):
    """{"empty": "lots"} gave a TypeError traceback from `build --force`."""
    edit_fit(built, 1.0, [], measured=measured)
    done = run_handouts("build", "--strict", "-j", "1", "--force", cwd=built)
    no_traceback(done)
    assert (done.returncode, done.stdout.splitlines()) == (0, ["built out/alfamab.pdf", "1 built, 0 unchanged, 0 failed"])
    assert_whole_page(built / "out" / "alfamab.pdf")


def test_a_build_on_a_later_day_is_made_again_with_that_day(make_workspace):
    """SOURCE_DATE_EPOCH a day on: the build said "unchanged" and the PDF kept the old date."""
    root = make_workspace({"a.yaml": record("alfamab")})
    first_day = 1767312000  # 2026-01-02 00:00 UTC
    for epoch, printed in ((first_day, "January 2, 2026"), (first_day + DAY, "January 3, 2026")):
        done = run_handouts("build", "--strict", "-j", "1", cwd=root,
                            env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)})
        assert (done.returncode, done.stdout.splitlines()) == (0, ["built out/alfamab.pdf",
                                                                   "1 built, 0 unchanged, 0 failed"]), done.stderr
        assert f"Handout made {printed}." in readback.inspect(root / "out" / "alfamab.pdf").text
    again = run_handouts("build", "--strict", "-j", "1", cwd=root,
                         env={**os.environ, "SOURCE_DATE_EPOCH": str(first_day + DAY + 3600)})
    assert again.stdout.splitlines() == ["unchanged out/alfamab.pdf", "0 built, 1 unchanged, 0 failed"]
