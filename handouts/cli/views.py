"""What `list` and `show` tell: the catalogue as documented plain data (JSON) and as text lines.

The JSON shapes are documented in README.md and are a promise to scripts: add keys, never rename.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from ..record import Item, Source
from ..record.fields import OTHER, SHOW_ORDER, by_tiers, names

if TYPE_CHECKING:  # for the annotations only: the caller has loaded the catalogue
    from ..workspace.catalogue import Catalog, Drug

# The record's fields as `show` lists them: who was counted beside the side effects it is about; the
# notes for the care team come after, marked as never printed.
SHOWN_FIELDS = names(f for f in by_tiers(SHOW_ORDER) if f.kind != OTHER and f.tier != "care team")


def error_data(error: InputError) -> dict:
    return {"file": error.path, "line": error.line, "message": error.message}


def source_data(source: Source) -> dict:
    data = {
        "file": source.file,
        "kind": source.kind,
        "publisher": source.publisher,
        "title": source.title,
        "url": source.url,
        "license": source.license,
        "language": source.language,
        "last_reviewed": source.last_reviewed.isoformat() if source.last_reviewed else None,
        "review_frequency": source.review_frequency,
    }
    if source.set_id:  # FDA labels: which label and which revision of it
        data.update(set_id=source.set_id, version=source.version)
    return data


def drug_summary(drug: Drug) -> dict:
    return {
        "name": drug.name,
        "slug": drug.slug,
        "brands": drug.record.brand_names,
        "files": drug.files,
        "sources": [source_data(s) for s in drug.record.sources],
        "problems": drug.problems,
        "notes": drug.record.notes,
    }


def catalog_data(catalog: Catalog) -> dict:
    return {
        "workspace": str(catalog.root),
        "drugs": [drug_summary(d) for d in catalog.drugs],
        "regimens": [
            {"name": r.name, "drugs": r.drugs, "file": r.sources[0].file if r.sources else None}
            for r in catalog.regimens
        ],
        "skipped": [{"file": s.source.file, "title": s.title, "reason": s.reason} for s in catalog.skipped],
        "errors": [error_data(e) for e in catalog.errors],
    }


def drug_data(drug: Drug) -> dict:
    data = drug_summary(drug)
    data["record"] = drug.record.to_dict()
    return data


def catalog_lines(catalog: Catalog) -> list[str]:
    lines = []
    for drug in catalog.drugs:
        brands = ", ".join(drug.record.brand_names)
        lines.append(f"{drug.name}" + (f" ({brands})" if brands else ""))
        for source in drug.record.sources:
            lines.append(f"    {_source_line(source)}")
        lines.extend(f"    PROBLEM: {p}" for p in drug.problems)
        lines.extend(f"    NOTE: {n}" for n in drug.record.notes)
    for regimen in catalog.regimens:
        where = regimen.sources[0].file if regimen.sources else ""
        lines.append(f"{regimen.name} (combination: {', '.join(regimen.drugs)})    {where}")
    for skipped in catalog.skipped:
        lines.append(f"skipped {skipped.source.file}: {skipped.reason}")
    return lines


def _source_line(source: Source) -> str:
    # A label's date is when it was last revised (its effective time), not a review.
    verb = "last revised" if source.set_id else "last reviewed"
    reviewed = f"{verb} {source.last_reviewed.isoformat()}" if source.last_reviewed else "no review date"
    who = source.publisher or source.title or source.kind
    often = f", reviewed {source.review_frequency}" if source.review_frequency else ""
    label = f"; set id {source.set_id} version {source.version}" if source.set_id else ""
    return f"{source.key}  [{who}; {reviewed}{often}{label}]"


def record_lines(drug: Drug) -> list[str]:
    """The merged record, each item followed by the source it came from."""
    record = drug.record
    lines = [record.generic_name]
    for brand in record.brands:
        extra = ", ".join(x for x in (brand.country, brand.qualifier, "discontinued" if brand.discontinued else None) if x)
        lines.append(f"  brand: {brand.name}" + (f" ({extra})" if extra else "") + f"    <- {brand.source}")
    for name in SHOWN_FIELDS:
        value = getattr(record, name)
        if isinstance(value, Item):
            lines.append(f"  {name}: {value.text}    <- {value.source}")
        elif value:
            lines.append(f"  {name} ({len(value)}):")
            for it in value:
                lines.append(f"    - {_item_text(it)}    <- {it.source}")
                lines.extend(_parts(it) if name == "serious_warnings" else [])
    if record.care_team_notes:
        lines.append(f"  care_team_notes ({len(record.care_team_notes)}, for the care team; never printed):")
        lines.extend(f"    - {_item_text(it)}    <- {it.source}" for it in record.care_team_notes)
    lines.extend(f"  ignored: {block.describe()}    <- {block.source}" for block in record.ignored)
    lines.append("  sources:")
    lines.extend(f"    {_source_line(s)}" for s in record.sources)
    if record.professional_wording:
        lines.append("  professional wording: the serious warnings come from text for prescribers")
    lines.extend(f"  NOTE: {n}" for n in record.notes)
    lines.extend(f"  PROBLEM: {p}" for p in drug.problems)
    return lines


def _parts(warning: Item) -> list[str]:
    """A serious warning's signs and action (record/fields.py ITEM_PARTS), where it has them."""
    if not warning.signs:
        return []
    return [f"        {warning.action or 'action not given'} if you have: {'; '.join(warning.signs)}"]


def _item_text(item: Item) -> str:
    text = f"{item.title}: {item.text}" if item.title else item.text
    return f"{text} [{item.frequency}]" if item.frequency else text
