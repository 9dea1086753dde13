"""A workspace: the folder a clinic works in, and the catalogue of drugs its sources/ describe.

Every file under sources/ is read; one bad file becomes an error in the
catalogue, never a stop, so the other drugs are still listed and built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import merge
from .errors import InputError
from .readers import read_document, yamlrecord
from .readers.text import generic_words, name_key
from .record import DrugRecord, Regimen, Skipped

SOURCES = "sources"


@dataclass
class Drug:
    """One drug as the workspace knows it: the merged record and the files behind it."""

    record: DrugRecord
    files: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.record.generic_name

    @property
    def slug(self) -> str:
        return name_key(self.record.generic_name)

    @property
    def filename(self) -> str:
        """"inotuzumab-ozogamicin.pdf": readable, and safe on any file system."""
        stem = re.sub(r"[^a-z0-9]+", "-", self.record.generic_name.lower()).strip("-") or self.slug
        return f"{stem}.pdf"


@dataclass
class Catalog:
    root: Path
    drugs: list[Drug] = field(default_factory=list)
    regimens: list[Regimen] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)

    def find(self, name: str) -> Drug:
        """The drug called ``name`` (generic or brand, any case), or an InputError."""
        key = name_key(name)
        found = [d for d in self.drugs if key == name_key(d.record.generic_name)]
        found = found or [d for d in self.drugs if key in _keys(d.record)]
        if len(found) > 1:
            names = ", ".join(d.name for d in found)
            raise InputError(None, f"{name!r} names more than one drug ({names}): use the generic name")
        if not found:
            raise InputError(None, f"no drug called {name!r} in {self.root / SOURCES}")
        return found[0]

    def find_regimen(self, name: str) -> Regimen:
        key = name_key(name)
        for regimen in self.regimens:
            if name_key(regimen.name) == key:
                return regimen
        raise InputError(None, f"no combination called {name!r} in {self.root / SOURCES}")


def source_files(root: Path) -> list[Path]:
    """Files under sources/, in a stable order; hidden files and READMEs are not documents."""
    folder = root / SOURCES
    if not folder.is_dir():
        raise InputError(folder, "no sources/ folder: is this a handouts workspace? (see --workspace)")
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and not p.name.upper().startswith("README")
    )


def relative_name(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def load(root: Path) -> Catalog:
    """Read every source document in the workspace into a catalogue of merged drugs."""
    catalog = Catalog(root=root)
    records: list[DrugRecord] = []
    for path in source_files(root):
        try:
            document = read_document(path, relative_name(path, root))
        except InputError as error:
            catalog.errors.append(error)
            continue
        except Exception as exc:  # noqa: BLE001 - a reader bug on one odd file must not stop the rest
            catalog.errors.append(InputError(
                relative_name(path, root), f"could not be read (a bug in handouts: {type(exc).__name__}: {exc})"))
            continue
        if isinstance(document, DrugRecord):
            records.append(document)
        elif isinstance(document, Regimen):
            catalog.regimens.append(document)
        else:
            catalog.skipped.append(document)
    for group in _group(records, catalog.errors):
        catalog.drugs.append(_drug(group, catalog.errors))
    catalog.drugs.sort(key=lambda d: d.slug)
    return catalog


def _keys(record: DrugRecord) -> set[str]:
    return {name_key(record.generic_name)} | {name_key(b.name) for b in record.brands}


def _generic_words(record: DrugRecord) -> frozenset[str]:
    return frozenset(generic_words(record.generic_name))


def _group(records: list[DrugRecord], errors: list[InputError]) -> list[list[DrugRecord]]:
    """Records about one drug, together: the same generic name, or a shared brand name when one
    generic name is a fuller form of the other ("inotuzumab" and "inotuzumab ozogamicin").

    Two different generic names behind one brand name (a brand reused for another medicine)
    are never merged: that is reported, so no handout mixes two drugs' warnings.
    """
    # Each group with the union of its names' keys and its generic names' word sets, worked out
    # once: a library of hundreds of records is compared pairwise.
    groups: list[tuple[list[DrugRecord], set[str], set[frozenset[str]]]] = []
    for record in records:
        words, keys = _generic_words(record), _keys(record)
        joined = []
        for group in groups:
            members, group_keys, group_words = group
            if not keys & group_keys:
                continue
            if all(words <= o or o <= words for o in group_words):
                joined.append(group)
            else:
                errors.append(_brand_clash(record, members[0], keys & group_keys))
        for group in joined:
            groups.remove(group)
        groups.append((
            [r for g in joined for r in g[0]] + [record],
            keys.union(*(g[1] for g in joined)),
            {words}.union(*(g[2] for g in joined)),
        ))
    return [members for members, _, _ in groups]


def _brand_clash(record: DrugRecord, other: DrugRecord, shared: set[str]) -> InputError:
    names = [b.name for b in record.brands if name_key(b.name) in shared] or [record.generic_name]
    return InputError(
        record.sources[0].file,
        f"brand {names[0]!r} also names {other.generic_name} ({other.sources[0].file}), but this document is "
        f"about {record.generic_name}: not merged; check which medicine the brand is",
    )


def _drug(records: list[DrugRecord], errors: list[InputError]) -> Drug:
    yaml_records = [r for r in records if r.sources[0].kind == yamlrecord.KIND]
    for extra in yaml_records[1:]:
        errors.append(
            InputError(extra.sources[0].file, f"a second YAML record for {extra.generic_name} "
                       f"(the first is {yaml_records[0].sources[0].file}); this one is ignored")
        )
    ignored = {id(r) for r in yaml_records[1:]}
    kept = [r for r in records if id(r) not in ignored]
    record = merge.merge(kept)
    files = sorted({s.file for r in kept for s in r.sources})
    return Drug(record=record, files=files, problems=record.problems())
