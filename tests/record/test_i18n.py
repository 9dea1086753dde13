"""Handouts in the patient's language (issue 17): the page's words from the catalogue, the content
from the record in that language and only it, and no urgent sign lost in translation.

The drugs here (velmarizumab, corvantinib) are fictional, written for these tests in English and
in Spanish by hand; the tool itself never translates clinical text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
import yaml
from babel.messages.pofile import read_po

from handouts import i18n
from handouts.check import handout_check
from handouts.page import sandbox
from handouts.pdf import readback
from handouts.record import DrugRecord, Item
from handouts.rules import overlap

from .. import pdfread
from ..helpers import FIXTURES, JOBS, add_brand, invoke, toml

I18N = FIXTURES / "i18n"
DATE = "2026-04-02"
SPANISH_DATE = "2 de abril de 2026"


@pytest.fixture
def ws(tmp_path) -> Path:
    root = tmp_path / "ws"
    (root / "sources").mkdir(parents=True)
    for path in I18N.glob("*.yaml"):
        shutil.copy(path, root / "sources" / path.name)
    return root


def build(root: Path, *args):
    return invoke("build", "--strict", *JOBS, "-w", root, "--date", DATE, *args)


def spanish_urgent_items(root: Path) -> list[str]:
    from handouts.workspace import catalogue as workspace

    drug = workspace.load(root).translations["es"][0]
    return [readback.fold(it.text) for it in drug.record.serious_warnings + drug.record.urgent_signs]


def english_template_words() -> list[str]:
    """Every phrase the templates and code print in English: each message without its placeholders."""
    phrases = []
    for message in i18n.extracted():
        if not message.id or message.context:
            continue
        for ids in [message.id] if isinstance(message.id, str) else message.id:
            phrases += [p.strip(" :.,()\"") for p in re.split(r"%\(\w+\)s", ids)]
    return sorted({p for p in phrases if len(p) > 3})


# --- the page in both languages --------------------------------------------------------------

def test_a_drug_builds_in_english_and_in_spanish_one_page_each(ws):
    english = build(ws)
    assert english.exit_code == 0, english.output  # in English both drugs build
    assert "2 built" in english.output and (ws / "out" / "velmarizumab.pdf").is_file()
    spanish = build(ws, "--lang", "es", "velmarizumab")
    assert spanish.exit_code == 0, spanish.output
    en_pdf, es_pdf = ws / "out" / "velmarizumab.pdf", ws / "out" / "velmarizumab.es.pdf"
    assert pdfread.pages(en_pdf) == 1 and pdfread.pages(es_pdf) == 1
    assert str(pdfread.catalog(es_pdf).get("/Lang")) == "es"
    assert str(pdfread.catalog(en_pdf).get("/Lang")) == "en"
    text = pdfread.text(es_pdf)
    # Every Spanish urgent item, inside the urgent block, which comes first.
    start = text.index("Llame de inmediato a su equipo de atención")
    end = text.index("Efectos secundarios frecuentes")
    for item in spanish_urgent_items(ws):
        assert start < text.index(item) < end, item
    assert f"Hoja hecha el {SPANISH_DATE}." in text and "revisada el 1 de marzo de 2026" in text
    assert "Fiebre quiere decir una temperatura de" in text  # the fever line matches "fiebre"
    # No English word of the templates or the code on the Spanish page.
    english = [p for p in english_template_words() if p.lower() in text.lower()]
    assert english == [], english
    assert "Call your care team" in pdfread.text(en_pdf) and "April 2, 2026" in pdfread.text(en_pdf)


def test_a_drug_without_a_record_in_the_language_fails_in_one_line_and_the_others_build(ws):
    result = build(ws, "--lang", "es")
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("FAILED")]
    assert failed == ["FAILED corvantinib: no record in Spanish (es) for corvantinib: write one "
                      "(handouts extract --translate es corvantinib)"], result.output
    assert "Traceback" not in result.output
    assert (ws / "out" / "velmarizumab.es.pdf").is_file() and not (ws / "out" / "corvantinib.es.pdf").exists()


def test_lang_in_handouts_toml_makes_spanish_handouts(ws):
    (ws / "handouts.toml").write_text('lang = "es"\n', encoding="utf-8")
    result = build(ws, "velmarizumab")
    assert result.exit_code == 0, result.output
    assert str(pdfread.catalog(ws / "out" / "velmarizumab.es.pdf").get("/Lang")) == "es"


def test_an_unknown_language_is_one_line(ws):
    result = build(ws, "--lang", "xx")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "unknown language 'xx'" in result.output or "no catalogue for language 'xx'" in result.output


def test_brand_texts_take_their_spanish_form_and_a_missing_one_fails(ws):
    add_brand(ws, "bilingual", toml() + 'emergency.en = "Call 911 now if you cannot breathe."\n'
                                      'emergency.es = "Llame al 911 ya si no puede respirar."\n')
    result = build(ws, "--lang", "es", "--brand", "bilingual", "velmarizumab")
    assert result.exit_code == 0, result.output
    text = pdfread.text(ws / "out" / "velmarizumab.es.pdf")
    assert "Llame al 911 ya si no puede respirar." in text and "cannot breathe" not in text
    result = build(ws, "--brand", "bilingual", "velmarizumab")
    assert "Call 911 now if you cannot breathe." in pdfread.text(ws / "out" / "velmarizumab.pdf")

    add_brand(ws, "english-only", toml() + 'footer = "Questions? Call the pharmacy."\n')
    result = build(ws, "--lang", "es", "--brand", "english-only", "velmarizumab")
    assert result.exit_code != 0
    assert "footer has no form in language 'es'" in result.output, result.output
    assert 'write footer.es = "..."' in result.output, result.output
    assert not (ws / "out" / "velmarizumab.es.pdf").exists() or "built" not in result.output


# --- no urgent sign lost in translation --------------------------------------------------------

def check_es(root: Path):
    return invoke("check", "-w", root, "--lang", "es", "--as-of", DATE, "velmarizumab")


def test_the_translation_check_passes_a_complete_current_translation(ws):
    result = check_es(ws)
    assert "PASS translation: urgent signs: 4 of 4" in result.output, result.output
    assert "PASS translation: serious warnings: 1 of 1" in result.output
    assert "PASS translation: up to date" in result.output
    assert "Fernández-Huerta" in result.output


def test_the_translation_check_fails_on_a_dropped_urgent_item(ws):
    path = ws / "sources" / "velmarizumab.es.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - text: Un sangrado que no para\n", ""), encoding="utf-8")
    result = check_es(ws)
    assert result.exit_code == 1
    assert ("FAIL translation: urgent signs: 3 of 4 (bar: every urgent sign translated) - "
            "no translation of 'Bleeding that will not stop'") in result.output, result.output


def test_the_translation_check_fails_when_the_original_was_reviewed_after_it(ws):
    path = ws / "sources" / "velmarizumab.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("last_reviewed: 2026-03-01", "last_reviewed: 2026-03-20"),
                    encoding="utf-8")
    result = check_es(ws)
    assert result.exit_code == 1
    assert "FAIL translation: up to date: original reviewed 2026-03-20" in result.output, result.output


def test_an_item_may_say_which_original_item_it_translates(ws):
    path = ws / "sources" / "velmarizumab.es.yaml"
    text = path.read_text(encoding="utf-8")
    # The allergic reaction moved first, saying so: still every item translated.
    moved = text.replace("  - title: Reacción alérgica\n    text: sarpullido; ronchas; hinchazón de los labios o la lengua\n    of: 3\n", "")
    moved = moved.replace("urgent_signs:\n", "urgent_signs:\n  - title: Reacción alérgica\n"
                                             "    text: sarpullido; ronchas; hinchazón de los labios o la lengua\n    of: 3\n")
    path.write_text(moved, encoding="utf-8")
    result = check_es(ws)
    assert "FAIL translation: urgent signs" in result.output  # positions 1 and 2 now claim items 1-2 and 3 twice
    path.write_text(moved.replace("  - text: Fiebre de cualquier grado, o escalofríos\n",
                                  "  - text: Fiebre de cualquier grado, o escalofríos\n    of: 1\n")
                    .replace("  - text: Un sangrado que no para\n", "  - text: Un sangrado que no para\n    of: 2\n")
                    .replace("  - text: Dolor de estómago muy fuerte\n", "  - text: Dolor de estómago muy fuerte\n    of: 4\n"),
                    encoding="utf-8")
    assert "PASS translation: urgent signs: 4 of 4" in check_es(ws).output


def test_extract_translate_writes_a_skeleton_with_the_english_beside_empty_slots(ws):
    result = invoke("extract", "-w", ws, "--translate", "es", "velmarizumab")
    assert result.exit_code == 0, result.output
    skeleton = result.output
    assert "language: es\ntranslates:\n  generic_name: velmarizumab\n  language: en\n" in skeleton
    assert "translated_from_review: 2026-03-01" in skeleton
    assert "  # 2. Bleeding that will not stop\n  - text: \"\"\n    of: 2\n" in skeleton
    assert "Sangrado" not in skeleton and "sangrado" not in skeleton  # nothing is translated for you
    # Saved unfilled, it never prints: one line naming the empty field.
    (ws / "sources" / "velmarizumab.es.yaml").write_text(skeleton, encoding="utf-8")
    built = build(ws, "--lang", "es", "velmarizumab")
    assert built.exit_code != 0 and "Traceback" not in built.output
    assert "velmarizumab.es.yaml" in built.output and "is empty" in built.output


# --- a Spanish packet --------------------------------------------------------------------------

def test_a_spanish_packet(ws):
    result = invoke("packet", "--strict", "-w", ws, "--lang", "es", "--date", DATE, "velmarizumab")
    assert result.exit_code == 0, result.output
    path = next((ws / "out").glob("packet-*.pdf"))
    text = pdfread.text(path)
    assert str(pdfread.catalog(path).get("/Lang")) == "es"
    for words in ("Sus medicamentos", "En este paquete", "Cuándo llamarnos de inmediato", "Nombre:",
                  f"Información al {SPANISH_DATE}.", "Cuándo llamarnos de inmediato página 2",
                  "Velmarizumab página 3", "Llame de inmediato"):
        assert words in text, words
    # The combined page (by symptom group, since issue 15): its own words in Spanish too.
    with pdfplumber.open(path) as pdf:
        page = pdfread.fold(pdf.pages[1].extract_text() or "")
    assert page.startswith("Cuándo llamarnos de inmediato"), page
    for words in ("En una emergencia, llame al 911", "Reacción alérgica: sarpullido", "Otras señales:",
                  "Un sangrado que no para"):
        assert words in page, words
    assert "Other signs" not in page and "Warning" not in page and "(from" not in page
    for item in spanish_urgent_items(ws):
        assert item in text, item
    english = [p for p in english_template_words() if p.lower() in text.lower()]
    assert english == [], english


def test_a_spanish_packet_with_a_drug_without_a_spanish_record_says_so(ws):
    result = invoke("packet", "-w", ws, "--lang", "es", "--date", DATE, "velmarizumab", "corvantinib")
    assert result.exit_code == 1
    assert "FAILED corvantinib: no record in Spanish (es) for corvantinib" in result.output


# --- the catalogue -----------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["es", "en"])
def test_the_catalogue_has_every_message_translated(code):
    """Fails when a template or the code gains a word without its translation: run
    `python -m handouts.i18n update es` and translate the new messages in locale/es.po."""
    with i18n.catalogue_path(code).open("rb") as handle:
        catalogue = read_po(handle, locale=code)
    wanted = i18n.extracted()
    problems = []
    for message in wanted:
        if not message.id:
            continue
        found = catalogue.get(message.id, context=message.context)
        strings = [found.string] if found and isinstance(found.string, str) else list(found.string if found else [])
        if found is None or not all(strings) or found.fuzzy:
            problems.append(f"untranslated: {message.id!r} ({message.locations[0][0]})")
            continue
        ids = message.id if isinstance(message.id, str) else " ".join(message.id)
        if set(re.findall(r"%\(\w+\)s", ids)) != set(re.findall(r"%\(\w+\)s", " ".join(strings))):
            problems.append(f"placeholders differ: {message.id!r}")
    assert problems == []


def test_the_catalogue_test_would_fail_on_a_new_word(tmp_path, monkeypatch):
    # A template word added without its Spanish: the extraction finds it and es.po lacks it.
    templates = tmp_path / "templates"
    shutil.copytree(i18n.assets.templates_dir(), templates)
    (templates / "_new.html").write_text('<p>{{ _("A brand new word") }}</p>', encoding="utf-8")
    monkeypatch.setattr(i18n.assets, "templates_dir", lambda: templates)
    ids = {m.id for m in i18n.extracted()}
    with i18n.catalogue_path("es").open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    assert "A brand new word" in ids and catalogue.get("A brand new word") is None


def test_dates_and_numbers_follow_the_language():
    import datetime as dt

    es = i18n.language("es")
    assert es.date(dt.date(2026, 4, 2)) == SPANISH_DATE
    assert i18n.language("en").date(dt.date(2026, 4, 2)) == "April 2, 2026"
    assert es.number(38.0) == "38,0" and i18n.language("es_US").number(100.4) == "100.4"
    assert es.any_of(["A", "B", "C"]) == "A, B o C"


# --- Spanish rules -----------------------------------------------------------------------------

def test_the_tier_overlap_rule_works_in_spanish():
    record = DrugRecord(
        "ficticiomab", language="es",
        urgent_signs=[Item("Fiebre de cualquier grado, o escalofríos"), Item("Dolor de cabeza muy fuerte")],
        side_effects=[Item("Fiebre leve"), Item("Escalofríos"), Item("Dolores de cabeza"), Item("Cansancio")])
    resolution = overlap.resolve(record)
    assert [item.text for item, _ in resolution.dropped] == ["Fiebre leve", "Escalofríos"]
    assert [(e.item.text, e.pointer) for e in resolution.shown] == [
        ("Dolores de cabeza", "Dolor de cabeza muy fuerte"), ("Cansancio", None)]
    assert i18n.language("es").mentions_fever("Llame si tiene fiebre") and not i18n.language("es").mentions_fever("Tos")


def test_spanish_reading_grade_uses_fernandez_huerta():
    easy = handout_check.grade(["Tome la pastilla con agua.", "Llame si tiene fiebre."], "es")
    hard = handout_check.grade(["La administración concomitante de inhibidores enzimáticos incrementa "
                        "considerablemente la biodisponibilidad farmacológica."], "es")
    assert easy > handout_check.SPANISH_EASE_SOURCE > hard


def test_templates_may_use_the_catalogue_but_not_a_format_bomb(ws):
    env = sandbox.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_language(i18n.language("es"))
    assert env.from_string('{{ _("Daytime:") }} {{ _("page %(n)s", n=2) }}').render() == "De día: página 2"
    with pytest.raises(Exception, match="format width"):
        env.from_string('{{ _("%(x)99999999s", x=1) }}').render()


def test_a_translation_with_no_original_builds_but_fails_the_check(ws):
    text = (I18N / "velmarizumab.es.yaml").read_text(encoding="utf-8")
    (ws / "sources" / "solomab.es.yaml").write_text(text.replace("velmarizumab", "solomab").replace("Velmara", "Solora"),
                                                    encoding="utf-8")
    assert build(ws, "--lang", "es", "solomab").exit_code == 0
    result = invoke("check", "-w", ws, "--lang", "es", "--as-of", DATE, "solomab")
    assert result.exit_code == 1
    assert "FAIL translation: original: not found" in result.output, result.output


def _add_emergency_and_clinic(root: Path) -> None:
    """Main's page texts (issues 13 and 16): emergency signs first and the clinic's own words."""
    clinic = ("  - id: clinic\n    kind: clinic\n    publisher: Northside Cancer Center\n"
              "    reviewed_by: A. Pharmacist\n    last_reviewed: 2026-03-01\n")
    for name, sign, reminder in (
            ("velmarizumab.yaml", "Trouble breathing or swallowing", "Do not drive if you feel dizzy."),
            ("velmarizumab.es.yaml", "Dificultad para respirar o tragar", "No maneje si se siente mareado.")):
        path = root / "sources" / name
        text = path.read_text().replace("urgent_signs:\n", f"emergency_signs:\n  - text: {sign}\nurgent_signs:\n", 1)
        text = text.replace("reminders:\n", f"reminders:\n  - text: {reminder}\n    source: clinic\n", 1)
        path.write_text(text + clinic)


def test_emergency_signs_and_the_clinic_source_are_worded_in_spanish(ws):
    _add_emergency_and_clinic(ws)
    assert build(ws, "velmarizumab").exit_code == 0
    spanish = build(ws, "--lang", "es", "velmarizumab")
    assert spanish.exit_code == 0, spanish.output
    text = pdfread.text(ws / "out" / "velmarizumab.es.pdf")
    heading = text.index("Llame al 911 o busque ayuda de emergencia de inmediato si tiene:")
    assert heading < text.index("Dificultad para respirar o tragar") < text.index("Llame de inmediato a su equipo")
    assert "farmacia de Northside Cancer Center, revisada el 1 de marzo de 2026" in text
    english = [p for p in english_template_words() if p.lower() in text.lower()]
    assert english == [], english
    en = pdfread.text(ws / "out" / "velmarizumab.pdf")
    assert "Call 911 or get emergency help right away if you have:" in en
    assert "Northside Cancer Center pharmacy, reviewed March 1, 2026" in en
    checked = check_es(ws)
    assert ("PASS translation: emergency signs: 1 of 1 (bar: every emergency sign translated)"
            in checked.output), checked.output
    assert "(bar: every urgent sign translated)" in checked.output


def test_the_left_out_note_names_must_keep_topics_in_the_pages_language(ws):
    from handouts.page import templating
    from handouts.page.content import Cuts, plan
    from handouts.workspace import brand
    from handouts.workspace import catalogue as workspace

    _add_emergency_and_clinic(ws)
    record = workspace.load(ws).translations["es"][0].record
    cuts = Cuts(0.8, frozenset({"say", "rm-0"}))  # rm-0: the clinic's driving reminder (must keep)
    notes = {}
    for code in ("es", "en"):
        env = templating.environment(ws, brand.DEFAULT, i18n.language(code))
        page = templating.render(env, plan(record, cuts), brand.DEFAULT, cuts, "letter")
        notes[code] = re.search(r'<p id="dropped".*?</p>', page, re.S).group(0)
    assert "pregunte a su equipo de atención sobre manejar" in notes["es"], notes["es"]
    assert "cómo se pronuncia su nombre" in notes["es"]
    assert "ask your care team about driving" in notes["en"] and "how to say its name" in notes["en"]


def test_a_spanish_packet_of_two_drugs_names_in_spanish_the_drug_a_sign_comes_from(ws):
    """A sign only one drug has is marked "(de ...)" on the combined page, never "(from ...)"."""
    english = (I18N / "velmarizumab.yaml").read_text(encoding="utf-8")
    spanish = (I18N / "velmarizumab.es.yaml").read_text(encoding="utf-8")
    (ws / "sources" / "solomab.yaml").write_text(
        english.replace("velmarizumab", "solomab").replace("Velmara", "Solora")
        .replace("  - text: Very bad stomach pain\n", "  - text: Very bad stomach pain\n  - text: Very dark urine\n"),
        encoding="utf-8")
    (ws / "sources" / "solomab.es.yaml").write_text(
        spanish.replace("velmarizumab", "solomab").replace("Velmara", "Solora")
        .replace("  - text: Dolor de estómago muy fuerte\n",
                 "  - text: Dolor de estómago muy fuerte\n  - text: Orina muy oscura\n"),
        encoding="utf-8")
    result = invoke("packet", "--strict", "-w", ws, "--lang", "es", "--date", DATE, "velmarizumab", "solomab")
    assert result.exit_code == 0, result.output
    path = next((ws / "out").glob("packet-*.pdf"))
    with pdfplumber.open(path) as pdf:
        cover, page = (pdfread.fold(p.extract_text() or "") for p in pdf.pages[:2])
    assert "Velmarizumab página 3" in cover and "Solomab página 4" in cover, cover
    assert "Orina muy oscura (de Solomab)" in page, page
    assert "Other signs" not in page and "(from" not in page


def test_who_was_counted_is_said_in_the_records_own_language(ws):
    for name, studied in (("velmarizumab.yaml", "adults with a made-up cancer"),
                          ("velmarizumab.es.yaml", "adultos con un cáncer inventado")):
        path = ws / "sources" / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["studied"] = studied
        data["side_effects"][0]["frequency"] = "28%"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = build(ws, "--lang", "es", "velmarizumab")
    assert result.exit_code == 0, result.output
    text = pdfread.text(ws / "out" / "velmarizumab.es.pdf")
    assert "unas 3 de cada 10 personas en los estudios" in text
    assert "Las cifras son de estudios en adultos con un cáncer inventado." in text
    assert "studies" not in text and "made-up" not in text
