"""openFDA drug label JSON: one label record, an API reply ``{meta, results: [...]}``, or a zipped
bulk part (``drug-label-0001-of-0013.json.zip``, about 20,000 labels), which is streamed with ijson
so memory stays flat whatever the part's size.

Section fields are lists of strings with the text flattened (headings and "•" bullets run
together); ``fdalabel.split_flat`` splits them back. Of several labels for one drug the reply or
part holds, ``choose`` keeps the maker's own prescription label of the newest date.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..record import DrugRecord, Skipped, Source, limits
from . import fdalabel, medguide
from .text import name_key

KIND = "openfda"

# Keys only a drug label record has; another endpoint's reply (drug/event: safetyreportid, ...) has none.
_LABEL_KEYS = ("set_id", "spl_product_data_elements", "spl_medguide", "openfda", "effective_time")
_SIGNATURE = re.compile(r'^\s*\{\s*"(?:meta|results|set_id|spl_product_data_elements|openfda|id|'
                        r'indications_and_usage|boxed_warning|effective_time|@epoch)"\s*:')


def detect(text: str) -> bool:
    return bool(_SIGNATURE.match(text[:2000]))


def read(text: str, path: str):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc.msg}", exc.lineno) from None
    if isinstance(data, dict) and "results" in data:
        results = data["results"]
        if not isinstance(results, list):
            raise InputError(path, "an openFDA reply whose 'results' is not a list")
        return choose_document((record_of(r, path, text, n) for n, r in enumerate(results)), path)
    return record_of(data, path, text)


def record_of(data, path: str, text: str = "", index: int = 0) -> DrugRecord:
    """One openFDA label record as a DrugRecord; an InputError when it is no drug label."""
    if not isinstance(data, dict) or not any(key in data for key in _LABEL_KEYS):
        keys = ", ".join(list(data)[:4]) if isinstance(data, dict) else type(data).__name__
        raise InputError(path, f"not an openFDA drug label (result {index + 1} holds {keys}): "
                         "a reply of another endpoint? Use /drug/label.json")
    return fdalabel.to_record(label_of(data, path, text), path)


def label_of(data: dict, path: str, text: str = "") -> fdalabel.Label:
    meta = data.get("openfda") or {}
    generic = _first(meta.get("generic_name")) or _first(meta.get("substance_name"))
    brands = [b for b in meta.get("brand_name") or [] if isinstance(b, str)]
    if not generic:
        generic, brand = _names_from_elements(_first(data.get("spl_product_data_elements")) or "")
        brands = brands or ([brand] if brand else [])
    if not generic:
        generic = _name_in_patient_section(data)
    if not generic:
        raise InputError(path, "openFDA label with no drug name (no openfda.generic_name)")
    product = _first(meta.get("product_type")) or ""
    original = _first(meta.get("is_original_packager"))
    label = fdalabel.Label(
        kind=KIND, generic_name=generic, brands=brands, labeler=_first(meta.get("manufacturer_name")),
        set_id=_text(data.get("set_id")), version=_text(data.get("version")),
        effective=fdalabel.parse_effective(_text(data.get("effective_time"))),
        original_packager=original if isinstance(original, bool) else None,
        prescription=("PRESCRIPTION" in product.upper()) if product else None,
        rxnorm=[c for c in meta.get("rxcui") or [] if isinstance(c, str) and c.isdigit()],
    )
    for name, value in data.items():
        if name in fdalabel.FIELD_CODES and isinstance(value, list):
            line = text[: text.find(f'"{name}"')].count("\n") + 1 if text and f'"{name}"' in text else 1
            if name in fdalabel.PATIENT_CODES.values():
                label.sections.append(_patient_section(name, value, data.get(f"{name}_table"), line))
                continue
            for part in value:
                if isinstance(part, str) and part.strip():
                    label.sections.append(fdalabel.Section(name, [fdalabel.Block("text", part, 0, line)], line=line))
        elif isinstance(value, list) and not name.endswith("_table") and name not in ("spl_product_data_elements",
                                                                                       "package_label_principal_display_panel"):
            label.other_sections.append(name.replace("_", " "))
    return label


def _patient_section(name: str, parts: list, markup, line: int) -> fdalabel.Section:
    """A patient section read by its structure: the label's own markup where openFDA keeps it
    (``<name>_table``), else the flattened text split back (medguide)."""
    flat = " ".join(p for p in parts if isinstance(p, str))
    blocks = medguide.table_blocks(markup, flat, line) if isinstance(markup, list) and markup else None
    if blocks is not None:
        return fdalabel.Section(name, blocks, line=line, structured=True)
    return fdalabel.Section(name, medguide.flat_blocks(flat, line), line=line, structured=True, flat=True)


def _name_in_patient_section(data: dict) -> str | None:
    """ "HUMIRA® (Hu-MARE-ah) (adalimumab) injection": the generic name a patient section's title gives."""
    for name in fdalabel.PATIENT_CODES.values():
        head = (_first(data.get(name)) or "")[:300]
        for match in re.finditer(r"\(([a-z][a-z -]{3,60})\)", head):
            if "-" not in match.group(1) or " " in match.group(1):
                return match.group(1)
    return None


def _first(value):
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value) -> str | None:
    value = _first(value)
    return str(value) if value not in (None, "") else None


def _names_from_elements(elements: str) -> tuple[str | None, str | None]:
    """(generic, brand) from "Humira Adalimumab Humira Adalimumab ADALIMUMAB ...": the product data
    elements start with the proprietary name, then the generic name, repeated per product."""
    words = elements.split()
    if len(words) < 2:
        return None, None
    for n in range(1, 5):
        generic = words[1:1 + n]
        if [w.lower() for w in words[1 + n:1 + 2 * n]] in ([w.lower() for w in generic],
                                                            [w.lower() for w in words[:n]]):
            return " ".join(generic), words[0]
    return words[1], words[0]


# A bulk part holds about 20,000 labels of a few KB to a few hundred KB each (about 1.5 GB
# decoded). Past these, a zip is no bulk part but a bomb: one 300 MB string zipped to 294 KB, or a
# million copies of one label in 930 KB, ran for minutes.
MAX_LABELS = 30_000
MAX_LABEL_BYTES = limits.MAX_FILE_BYTES  # one label, as for a label saved on its own
MAX_DECODED_BYTES = 4_000_000_000
# Labels set aside are noted one by one up to this many kinds; the rest are counted.
MAX_ASIDE_NOTES = 20


# ---- several labels: choose one ----------------------------------------------------------------

def rank(source: Source):
    """The maker's own label first, then a prescription label, then the newest; highest sorts first."""
    effective = source.last_reviewed.toordinal() if source.last_reviewed else 0
    version = int(source.version) if source.version and source.version.isdigit() else 0
    return (source.original_packager is not False, source.prescription is not False, effective, version)


def choose(records: list[DrugRecord]) -> tuple[DrugRecord, list[DrugRecord]]:
    """(the chosen label, the ones set aside)."""
    ordered = sorted(records, key=lambda r: rank(r.sources[0]), reverse=True)
    return ordered[0], ordered[1:]


def describe(source: Source) -> str:
    """ "sources/x.json (AbbVie Inc., maker's own, prescription, effective 2016-08-29, version 1893)" """
    parts = [source.publisher or "labeler unknown"]
    if source.original_packager is not None:
        parts.append("maker's own" if source.original_packager else "repackager")
    if source.prescription is not None:
        parts.append("prescription" if source.prescription else "not prescription")
    if source.last_reviewed:
        parts.append(f"effective {source.last_reviewed.isoformat()}")
    if source.version:
        parts.append(f"version {source.version}")
    where = source.file + (f" set id {source.set_id}" if source.set_id else "")
    return f"{where} ({', '.join(parts)})"


def choose_document(records: Iterable[DrugRecord], path: str):
    """The one record a reply or bulk part gives: the chosen label when all are about one drug.

    Records are taken one at a time and only the best so far is kept, so a bulk part of 20,000
    labels needs the memory of one."""
    best: DrugRecord | None = None
    aside: list[Source] = []
    names: dict[str, str] = {}
    count = 0
    for record in records:
        count += 1
        names.setdefault(name_key(record.generic_name), record.generic_name)
        source = record.sources[0]
        if len(names) > 1:
            best, aside = None, []
            continue
        if best is None or rank(source) > rank(best.sources[0]):
            if best is not None:
                aside.append(best.sources[0])
            best = record
        else:
            aside.append(source)
    if not count:
        raise InputError(path, "an openFDA reply with no results: nothing matched")
    if best is None:
        shown = ", ".join(sorted(names.values())[:5]) + (", ..." if len(names) > 5 else "")
        source = Source(key=path, file=path, kind=KIND, publisher="openFDA", title="openFDA drug labels")
        return Skipped(f"{count} openFDA labels", f"holds labels of {len(names)} drugs ({shown}): "
                       "save one drug's labels with `handouts fetch DRUG`", source)
    best.notes.extend(_aside_notes(aside, describe(best.sources[0])))
    return best


def _aside_notes(aside: list[Source], chosen: str) -> list[str]:
    """One note per kind of label set aside (the same label many times over is counted), the
    first MAX_ASIDE_NOTES kinds listed and the rest counted in one more."""
    counts = Counter(describe(source) for source in aside)
    notes = [f"label set aside: {text}{f' ({n:,} times)' if n > 1 else ''}; chosen: {chosen}"
             for text, n in list(counts.items())[:MAX_ASIDE_NOTES]]
    rest = sum(list(counts.values())[MAX_ASIDE_NOTES:])
    if rest:
        notes.append(f"{rest:,} more labels set aside; chosen: {chosen}")
    return notes


# ---- zipped bulk parts, streamed -----------------------------------------------------------------

def iter_bulk(path: Path, name: str | None = None) -> Iterator[dict]:
    """Each label record of a zipped bulk part (or zipped reply), one at a time."""
    import ijson

    name = name or str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(name, f"not a readable zip file: {exc}") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1 or not members[0].filename.endswith(".json"):
            inside = ", ".join(m.filename for m in members[:3]) or "nothing"
            raise InputError(name, f"a zip that is not an openFDA bulk part (it holds {inside}; "
                             "expected one .json file)")
        try:
            with archive.open(members[0]) as stream:
                head = stream.read(64).lstrip()
                if not head.startswith(b"{"):
                    raise InputError(name, f"{members[0].filename} in the zip is not an openFDA JSON reply")
            with archive.open(members[0]) as raw:
                stream = _Counted(raw, name)
                found = 0
                for record in ijson.items(stream, "results.item", use_float=True):
                    found += 1
                    if found > MAX_LABELS:
                        raise InputError(name, f"more than {MAX_LABELS:,} labels in the zip: "
                                         "an openFDA bulk part holds about 20,000")
                    stream.since_label = 0
                    yield record
                if not found:
                    raise InputError(name, f"{members[0].filename} in the zip holds no 'results' labels")
        except ijson.JSONError as exc:
            raise InputError(name, f"{members[0].filename} in the zip is not valid JSON: {exc}") from None
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise InputError(name, f"damaged zip: {exc}") from None


class _Counted:
    """A zip member's stream that counts the bytes decoded, in all and since the last label,
    and stops past the bounds: a zip's size says nothing of what it decodes to."""

    def __init__(self, stream, name: str):
        self.stream, self.name = stream, name
        self.total = self.since_label = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size if size is not None and size >= 0 else 1 << 16)
        self.total += len(data)
        self.since_label += len(data)
        if self.since_label > MAX_LABEL_BYTES + (1 << 16):  # ijson reads ahead one buffer
            raise InputError(self.name, f"a label in the zip runs past {MAX_LABEL_BYTES:,} bytes, "
                             "more than any drug label holds")
        if self.total > MAX_DECODED_BYTES:
            raise InputError(self.name, f"the zip decodes to more than {MAX_DECODED_BYTES:,} bytes, "
                             "more than an openFDA bulk part holds")
        return data


def read_zip(path: Path, name: str):
    """A zipped reply or bulk part as a document: one drug's labels give its chosen record."""
    return choose_document((record_of(r, name, "", n) for n, r in enumerate(iter_bulk(path, name))), name)
