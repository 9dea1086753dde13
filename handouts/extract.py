"""`handouts extract`: the record a raw document yields, as a YAML record to save and edit."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .merge import merge
from .readers import read_document, yamlrecord
from .record import DrugRecord, Regimen


def record_yaml(path: Path) -> str:
    """The YAML record for the drug in ``path``, headed by a comment saying where it came from."""
    document = read_document(path)
    if isinstance(document, Regimen):
        raise InputError(path, f"not a single drug (a combination of {', '.join(document.drugs)})")
    if not isinstance(document, DrugRecord):
        raise InputError(path, f"not a single drug ({document.reason})")
    # merge() of one record puts professional percentages on the plain-words side effects.
    header = f"# extracted from {path}; edit, then save in sources/ as a YAML record\n"
    summary = "".join(f"# {line}\n" for line in summary_lines(document))
    return header + summary + yamlrecord.dump(merge([document]))


def summary_lines(record: DrugRecord) -> list[str]:
    """What a pharmacist checks a new page against: its kind, the items per tier, and what was left out."""
    kind = record.sources[0].kind if record.sources else "unknown"
    counts = ", ".join(f"{name} {n}" for name, n in record.tier_counts().items())
    lines = [f"kind: {kind}; items: {counts} (care_team_notes are never printed)"]
    lines.extend(f"ignored: {block.describe()}" for block in record.ignored)
    if not record.ignored:
        lines.append("ignored: nothing")
    return lines


def save_beside(path: Path) -> Path:
    """Write the record as <document>.yaml beside the document; never overwrite an edited record."""
    target = path.with_name(f"{path.stem}.yaml")
    if target.exists():
        raise InputError(target, "already exists: not overwritten (it may hold a pharmacist's edits)")
    text = record_yaml(path)
    target.write_text(text, encoding="utf-8")
    return target


def saved_summary(target: Path) -> list[str]:
    """The summary comment lines at the head of a record ``save_beside`` wrote, without their "# "."""
    lines = target.read_text(encoding="utf-8").split("\n")[1:]
    return [line[2:] for line in lines if line.startswith("# ")]
