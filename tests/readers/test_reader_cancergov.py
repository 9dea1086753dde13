"""The cancer.gov reader: single-drug, combination and index pages saved as Markdown with front matter."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts import readers
from handouts.errors import InputError
from handouts.readers import cancergov
from handouts.record import DrugRecord, Regimen, Skipped

from ..helpers import FIXTURES, SHARED, seed

FIX = FIXTURES / "cancergov"
NCI = SHARED / "corpus" / "nci"

DRUG, REGIMEN, SKIP = "drug", "regimen", "skip"

# file -> (kind, name, brands or regimen drugs, number of uses, opens with a how-it-works paragraph)
CORPUS = {
    "ac-t.md": (REGIMEN, "AC-T", ["Doxorubicin Hydrochloride", "Cyclophosphamide", "Paclitaxel"], 1, False),
    "ado-trastuzumab-emtansine.md": (DRUG, "Ado-Trastuzumab Emtansine", ["Kadcyla"], 3, True),
    "amivantamab-vmjw.md": (DRUG, "Amivantamab-vmjw", ["Rybrevant"], 5, False),
    "apalutamide.md": (DRUG, "Apalutamide", ["Erleada"], 3, False),
    "bexarotene.md": (DRUG, "Bexarotene", ["Targretin"], 1, False),
    "bicalutamide.md": (DRUG, "Bicalutamide", ["Casodex"], 1, False),
    "bladder.md": (SKIP, "Drugs Approved for Bladder Cancer", [], 0, False),
    "blinatumomab.md": (DRUG, "Blinatumomab", ["Blincyto"], 4, True),
    "brain.md": (SKIP, "Drugs Approved for Brain Tumors", [], 0, False),
    "cabazitaxel.md": (DRUG, "Cabazitaxel", ["Jevtana"], 1, False),
    "carboplatin-taxol.md": (REGIMEN, "CARBOPLATIN-TAXOL", ["Carboplatin", "Paclitaxel"], 6, False),
    "childhood-cancer-fda-approved-drugs.md": (SKIP, "Drugs Approved for Childhood Cancers", [], 0, False),
    "colorectal.md": (SKIP, "Drugs Approved for Colon and Rectal Cancer", [], 0, False),
    "cytarabine.md": (DRUG, "Cytarabine", [], 4, False),
    "degarelix.md": (DRUG, "Degarelix", ["Firmagon"], 1, False),
    "fec.md": (REGIMEN, "FEC", ["Fluorouracil", "Epirubicin Hydrochloride", "Cyclophosphamide"], 1, False),
    "fedratinibhydrochloride.md": (DRUG, "Fedratinib Hydrochloride", ["Inrebic"], 4, False),
    "fluorouracil-topical.md": (DRUG, "Fluorouracil (Topical)", ["Carac", "Efudex", "Fluoroplex", "Tolak"], 2, False),
    "folfiri.md": (REGIMEN, "FOLFIRI", ["Leucovorin Calcium", "Fluorouracil", "Irinotecan Hydrochloride"], 1, False),
    "gemtuzumabozogamicin.md": (DRUG, "Gemtuzumab Ozogamicin", ["Mylotarg"], 3, False),
    "idarubicinhydrochloride.md": (DRUG, "Idarubicin Hydrochloride", ["Idamycin", "Idamycin PFS"], 1, False),
    "ifosfamide.md": (DRUG, "Ifosfamide", ["Ifex"], 1, False),
    "inotuzumabozogamicin.md": (DRUG, "Inotuzumab Ozogamicin", ["Besponsa"], 1, False),
    "melanoma.md": (SKIP, "Drugs Approved for Melanoma", [], 0, False),
    "momelotinib-dihydrochloride-monohydrate.md": (DRUG, "Momelotinib Dihydrochloride Monohydrate", ["Ojjaara"], 4, False),
    "nivolumab-and-relatlimab-rmbw.md": (DRUG, "Nivolumab and Relatlimab-rmbw", ["Opdualag"], 1, False),
    "obinutuzumab.md": (DRUG, "Obinutuzumab", ["Gazyva"], 4, False),
    "peb.md": (REGIMEN, "PEB", ["Cisplatin", "Etoposide Phosphate", "Bleomycin"], 3, False),
    "procarbazinehydrochloride.md": (DRUG, "Procarbazine Hydrochloride", ["Matulane"], 1, False),
    "ramucirumab.md": (DRUG, "Ramucirumab", ["Cyramza"], 6, True),
    "recombinant-hpv-quadrivalent-vaccine.md": (
        DRUG, "Recombinant Human Papillomavirus (HPV) Quadrivalent Vaccine", ["Gardasil"], 6, True,
    ),
    "rhabdomyosarcoma.md": (SKIP, "Drugs Approved for Rhabdomyosarcoma", [], 0, False),
    "rolapitanthydrochloride.md": (DRUG, "Rolapitant Hydrochloride", ["Varubi"], 1, False),
    "sorafenibtosylate.md": (DRUG, "Sorafenib Tosylate", ["Nexavar"], 3, True),
    "talazoparibtosylate.md": (DRUG, "Talazoparib Tosylate", ["Talzenna"], 2, True),
    "temsirolimus.md": (DRUG, "Temsirolimus", ["Torisel"], 1, False),
    "thyroid.md": (SKIP, "Drugs Approved for Thyroid Cancer", [], 0, False),
    "valrubicin.md": (DRUG, "Valrubicin", ["Valstar"], 1, False),
    "vorasidenib-citrate.md": (DRUG, "Vorasidenib Citrate", ["Voranigo"], 1, True),
    "ziv-aflibercept.md": (DRUG, "Ziv-Aflibercept", ["Eylea", "Zaltrap"], 1, False),
}


def read_file(path: Path):
    text = path.read_text(encoding="utf-8")
    assert cancergov.detect(text), f"{path.name} not recognised as a cancer.gov page"
    return cancergov.read(text, path.name)


def test_corpus_table_covers_every_page(nci_dir):
    assert sorted(p.name for p in nci_dir.glob("*.md")) == sorted(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_page(nci_dir, name):
    kind, title, names, uses, has_how = CORPUS[name]
    document = read_file(nci_dir / name)
    if kind == SKIP:
        assert isinstance(document, Skipped)
        assert document.title == title
        listing = "drugs approved for " + title.removeprefix("Drugs Approved for ")
        assert document.reason == f"index page listing {listing}, not a single drug"
        source = document.source
    elif kind == REGIMEN:
        assert isinstance(document, Regimen)
        assert (document.name, document.drugs, len(document.uses)) == (title, names, uses)
        (source,) = document.sources
    else:
        assert isinstance(document, DrugRecord)
        assert document.generic_name == title
        assert [b.name for b in document.brands] == names
        assert all(b.country == "United States" and b.source == name for b in document.brands)
        assert len(document.uses) == uses
        assert (document.how_it_works is not None) == has_how
        assert document.pronunciation is not None and not document.pronunciation.text.startswith("(")
        assert document.description is None and document.urgent_signs == []
        (source,) = document.sources
    assert (source.kind, source.publisher, source.key) == ("cancer.gov", "National Cancer Institute", name)
    assert source.url == f"https://www.cancer.gov/about-cancer/treatment/drugs/{name.removesuffix('.md')}"
    assert (source.license, source.language, source.review_frequency) == ("public_domain", "en", "quarterly")
    assert source.last_reviewed == dt.date(2025, 12, 30)


def test_corpus_items_are_clean(nci_dir):
    for path in sorted(nci_dir.glob("*.md")):
        document = read_file(path)
        for item in getattr(document, "uses", []):
            assert item.text and item.source == path.name
            for junk in ("](", "**", "[^", "<sup", "  "):
                assert junk not in item.text, (path.name, item.text)


def test_seed_001(seeds_dir):
    document = read_file(seed(seeds_dir, "001"))
    assert isinstance(document, DrugRecord)
    assert document.generic_name == "Inotuzumab Ozogamicin"
    assert document.brand_names == ["Besponsa"]
    assert document.pronunciation.text == "ih-noh-TOO-zoo-mab OH-zoh-ga-MIH-sin"
    assert [u.text for u in document.uses] == [
        "B-cell acute lymphoblastic leukemia (ALL) that is CD22 positive and has come back or did not respond to treatment."
    ]
    assert document.how_it_works is None
    (source,) = document.sources
    assert source.url == "https://www.cancer.gov/about-cancer/treatment/drugs/inotuzumabozogamicin"
    assert source.last_reviewed == dt.date(2025, 12, 30)
    assert (source.review_frequency, source.license, source.language) == ("quarterly", "public_domain", "en")
    assert source.title == "Inotuzumab Ozogamicin - NCI"


def test_other_seeds_are_not_cancer_gov(seeds_dir):
    for number in ("000", "002"):
        assert not cancergov.detect(seed(seeds_dir, number).read_text(encoding="utf-8"))


def test_blinatumomab_sub_points_carry_the_lead_condition(nci_dir):
    uses = read_file(nci_dir / "blinatumomab.md").uses
    assert uses[0].title is None and uses[0].text.endswith("It is used:")
    assert [u.title for u in uses[1:]] == ["B-cell acute lymphoblastic leukemia"] * 3
    assert uses[1].text == "in certain patients with cancer that is in the first or second complete remission"


def test_hpv_vaccine_brand_no_longer_available(nci_dir):
    (brand,) = read_file(nci_dir / "recombinant-hpv-quadrivalent-vaccine.md").brands
    assert (brand.name, brand.discontinued) == ("Gardasil", True)


# --------------------------------------------------------------------------- own fixtures


def test_fixture_brief_information_page():
    record = read_file(FIX / "zentomab.md")
    assert isinstance(record, DrugRecord)
    assert record.generic_name == "Zentomab"
    assert record.pronunciation.text == "zen-TOH-mab"
    assert record.how_it_works is None and record.description is None
    assert record.brand_names == ["Zentra"] and not record.brands[0].discontinued
    assert [u.text for u in record.uses] == ["Imaginary gland cancer that has spread to nearby tissue.", "Pretend lymphoma."]
    assert record.urgent_signs == [] and record.side_effects == []
    assert record.sources[0].last_reviewed == dt.date(2025, 11, 4)


def test_fixture_how_it_works_several_brands_and_sub_points():
    record = read_file(FIX / "quorvatinib-malate.md")
    assert record.generic_name == "Quorvatinib Malate"
    assert record.how_it_works.text.startswith("Quorvatinib malate works by switching off")
    assert record.how_it_works.text.endswith("written for testing this reader.")
    assert record.brand_names == ["Quorva", "Quorva XR", "Vatinex"]
    assert [(u.title, u.text) for u in record.uses] == [
        (None, "Makebelieve sarcoma that has grown back. It is used:"),
        ("Makebelieve sarcoma", "with zentomab as the first treatment"),
        ("Makebelieve sarcoma", "alone in patients whose sarcoma got worse after other treatment"),
        (None, "Fable leukemia in adults. It is used:"),
        ("Fable leukemia", "in patients who have had two earlier treatments"),
        ("Fable leukemia", "in patients who cannot have a transplant"),
        (None, "The Quorva XR brand is also used to treat storybook carcinoma that is small."),
    ]
    source = record.sources[0]
    assert source.last_reviewed == dt.date(2024, 3, 15)  # unquoted YAML date
    assert source.review_frequency == "annually"


def test_fixture_combination():
    regimen = read_file(FIX / "zoblix.md")
    assert isinstance(regimen, Regimen)
    assert regimen.name == "ZOBLIX"
    assert regimen.drugs == ["Zentomab", "Orvaplatin Sodium", "Blixatrexate"]
    assert [u.text for u in regimen.uses] == ["Imaginary gland cancer.", "Pretend lymphoma that has not been treated."]
    assert regimen.sources[0].title == "ZOBLIX - NCI"


def test_fixture_index_page():
    skipped = read_file(FIX / "imaginary-gland.md")
    assert isinstance(skipped, Skipped)
    assert skipped.title == "Drugs Approved for Imaginary Gland Cancer"
    assert skipped.reason == "index page listing drugs approved for Imaginary Gland Cancer, not a single drug"
    assert skipped.source.url.endswith("/imaginary-gland")


def test_fixture_footnote_markers():
    record = read_file(FIX / "plimorasib.md")
    assert record.brand_names == ["Plimora", "Plimora Kit"]
    assert all(b.discontinued for b in record.brands)
    assert [u.text for u in record.uses] == [
        "Invented melanoma that has spread.",
        "Pretend bone cancer in adults.",
        "Storybook carcinoma that came back.",
    ]


def test_fixture_without_h1_is_an_input_error():
    text = (FIX / "no-title.md").read_text(encoding="utf-8")
    assert cancergov.detect(text)
    with pytest.raises(InputError) as caught:
        cancergov.read(text, "no-title.md")
    assert caught.value.line == 9 and "Title" in caught.value.message
    assert str(caught.value).startswith("no-title.md:9: ")


def test_fixture_broken_front_matter_names_the_line():
    text = (FIX / "broken-front-matter.md").read_text(encoding="utf-8")
    assert cancergov.detect(text)
    with pytest.raises(InputError) as caught:
        cancergov.read(text, "broken.md")
    assert caught.value.line in (5, 6) and "YAML" in caught.value.message


# --------------------------------------------------------------------------- variants written inline

FRONT = "---\nsource: NCI\nurl: https://www.cancer.gov/about-cancer/treatment/drugs/x\n---\n"


def test_table_without_delimiter_row_still_gives_the_drugs():
    text = FRONT + "# BLOK\n\nDrugs in the BLOK combination:\n\n| **B** | = [Bexo](/about-cancer/treatment/drugs/bexo) |\n| **K** | = Kappamab |\n"
    regimen = cancergov.read(text, "blok.md")
    assert isinstance(regimen, Regimen) and regimen.drugs == ["Bexo", "Kappamab"]


def test_combination_without_drugs_is_an_input_error():
    text = FRONT + "\n# BLOK\n\nDrugs in the BLOK combination:\n\nNothing else.\n"
    with pytest.raises(InputError) as caught:
        cancergov.read(text, "blok.md")
    assert caught.value.line == 6


def test_other_publisher_kept_as_given_and_missing_fields_are_none():
    text = "---\nsource: Example Health Library\nurl: https://www.cancer.gov/x\n---\n# Zentomab\n\n## Use in Cancer\n\n- **Pretend lymphoma.**\n"
    record = cancergov.read(text, "z.md")
    source = record.sources[0]
    assert source.publisher == "Example Health Library"
    assert source.title == "Zentomab" and source.last_reviewed is None and source.license is None
    assert record.brands == [] and record.pronunciation is None and len(record.uses) == 1


def test_brands_without_fda_label_stop_at_prose():
    text = FRONT + "# Zentomab\n\nUS Brand Name(s)\n\nZentra\n\n[Label information is at a made-up site.](https://example.org)\n"
    assert cancergov.read(text, "z.md").brand_names == ["Zentra"]


def test_page_without_any_drug_information_is_an_input_error():
    with pytest.raises(InputError):
        cancergov.read(FRONT + "# Zentomab\n\nJust a sentence.\n", "z.md")


def test_source_nci_with_title_is_detected_without_url():
    assert cancergov.detect("---\nsource: NCI\ntitle: Zentomab - NCI\n---\n\n# Zentomab - NCI\n")
    assert not cancergov.detect("---\nsource: NCI\n---\n\nNo heading here.\n")


@pytest.mark.parametrize(
    "text",
    [
        "generic_name: zentomab\nbrands:\n  - name: Zentra\nurgent_signs:\n  - text: fever\n",
        "---\ngeneric_name: zentomab\nurl: https://www.cancer.gov/x\nsource: NCI\n---\n# Zentomab\n",
        "---\nurl: https://www.cancer.gov/x\nsource: NCI\n---\n\n",
        "---\nurl: https://www.example.org/cancer.gov\n---\n# Zentomab\n",
        "# Zentomab - NCI\n\nUS Brand Name(s)\n\nZentra\n",
        "",
        "---",
    ],
)
def test_detect_rejects(text):
    assert not cancergov.detect(text)


def test_dispatch_picks_this_reader():
    assert readers.detect((FIX / "zentomab.md").read_text(encoding="utf-8")) is cancergov


# --------------------------------------------------------------------------- fuzzing


def _documents() -> list[str]:
    paths = sorted(FIX.glob("*.md")) + (sorted(NCI.glob("*.md"))[::4] if NCI.is_dir() else [])
    return [p.read_text(encoding="utf-8") for p in paths]


DOCUMENTS = _documents()
SAFE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw) -> str:
    lines = draw(st.sampled_from(DOCUMENTS)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("delete", "duplicate", "insert", "truncate")))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "delete" and lines:
            del lines[at]
        elif op == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif op == "insert":
            where = lines[at] if lines else ""
            pos = draw(st.integers(0, len(where)))
            char = draw(st.sampled_from(list("-*#[]()|:`>_\\<!'\"\t ") + ["\u00a0", "\ufeff", "é"]))
            lines[at:at + 1] = [where[:pos] + char + where[pos:]]
        elif op == "truncate":
            lines = lines[:at]
    return "\n".join(lines)


def _read_via_dispatch(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.md"
        path.write_text(text, encoding="utf-8")
        try:
            readers.read_document(path, "page.md")
        except InputError:
            pass


def _read_direct(text: str) -> None:
    if cancergov.detect(text):
        try:
            cancergov.read(text, "page.md")
        except InputError as exc:
            assert exc.path == "page.md"


@FUZZ
@given(SAFE_TEXT)
def test_fuzz_arbitrary_text(text):
    _read_via_dispatch(text)
    _read_direct(text)
    _read_direct(FRONT + text)  # front matter makes detect accept it, so read sees the noise


@FUZZ
@given(mutated())
def test_fuzz_mutated_documents(text):
    _read_via_dispatch(text)
    _read_direct(text)


def test_uses_introduced_as_prevention_are_not_read_as_treatment(nci_dir):
    from handouts.readers import read_document

    vaccine = read_document(nci_dir / "recombinant-hpv-quadrivalent-vaccine.md")
    assert vaccine.uses and all(use.title == "To prevent" for use in vaccine.uses)
    cytarabine = read_document(nci_dir / "cytarabine.md")
    assert [u.title for u in cytarabine.uses] == [None, "To prevent and treat", "May also be used for", "May also be used for"]
