"""A workspace: the folder a clinic works in, and the catalogue of drugs its sources/ describe.

Every file under sources/ is read; one bad file becomes an error in the
catalogue, never a stop, so the other drugs are still listed and built.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..readers import read_document, yamlrecord
from ..readers.text import generic_words, name_key
from ..record import DrugRecord, Regimen, Skipped, limits, merge, translation
from ..record.slug import slug as slug_of
from ..record.slug import unique as unique_slug
from ..rules import urgency
from . import suggest

SOURCES = "sources"
# sources/examples/: records `init` puts in a new workspace. They give way to any real document
# about the same drug, so an example never overrides what a clinic adds.
EXAMPLES = "examples"


@dataclass
class Drug:
    """One drug as the workspace knows it: the merged record and the files behind it."""

    record: DrugRecord
    files: list[str]
    problems: list[str] = field(default_factory=list)
    # The SHA-256 of each file's bytes as the readers read them: what the build fingerprints,
    # so a file edited after it was read never passes for the PDF made from its old text.
    digests: dict[str, str] = field(default_factory=dict)
    stem: str = ""  # the PDF's name without ".pdf", unique in the catalogue (see _name_files)

    @property
    def name(self) -> str:
        return self.record.generic_name

    @property
    def slug(self) -> str:
        return name_key(self.record.generic_name)

    @property
    def filename(self) -> str:
        """"inotuzumab-ozogamicin.pdf": readable, safe on any file system, and no other drug's."""
        return f"{self.stem or slug_of(self.record.generic_name)}.pdf"


@dataclass
class Catalog:
    root: Path
    drugs: list[Drug] = field(default_factory=list)
    regimens: list[Regimen] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # worth a line, but nothing is wrong with the files
    # Records in other languages, merged per drug like the originals: {"es": [Drug, ...]} (translation.py).
    translations: dict[str, list[Drug]] = field(default_factory=dict)

    def find(self, name: str) -> Drug:
        """The drug called ``name`` (generic or brand, any case), or an InputError."""
        key = name_key(name)
        found = [d for d in self.drugs if key == name_key(d.record.generic_name)]
        found = found or [d for d in self.drugs if key in _keys(d.record)]
        if len(found) > 1:
            names = ", ".join(d.name for d in found)
            raise InputError(None, f"{name!r} names more than one drug ({names}): use the generic name")
        if not found:
            known = {n: _label(d) for d in self.drugs for n in (d.name, *d.record.brand_names)}
            raise InputError(None, f"no drug called {name!r} in {self.root / SOURCES}{suggest.did_you_mean(name, known)}")
        return found[0]

    def find_regimen(self, name: str) -> Regimen:
        key = name_key(name)
        for regimen in self.regimens:
            if name_key(regimen.name) == key:
                return regimen
        known = {r.name: r.name for r in self.regimens}
        raise InputError(None, f"no combination called {name!r} in {self.root / SOURCES}{suggest.did_you_mean(name, known)}")


def _label(drug: Drug) -> str:
    """How a suggestion names a drug: "Blincyto (blinatumomab)", by its first brand when it has one."""
    brands = drug.record.brand_names
    return f"{brands[0]} ({drug.name})" if brands else drug.name


def source_files(root: Path) -> list[Path]:
    """Files under sources/, in a stable order; hidden files and READMEs are not documents."""
    return _scan(root)[0]


def _scan(root: Path) -> tuple[list[Path], list[InputError]]:
    """The documents under sources/, and an error for each entry that is not read.

    Links are followed only to files inside the workspace (a link to /etc/shadow is refused, not
    read); links to folders, dangling links, FIFOs and devices are reported, never opened."""
    folder = root / SOURCES
    if not folder.is_dir():
        raise InputError(folder, "no sources/ folder: is this a handouts workspace? (see --workspace)")
    # sources/ itself may be a link (to a shared drive, say): what it holds counts as inside.
    inside = (root.resolve(), folder.resolve())
    files, errors = [], []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(dirs) + sorted(names):
            path = Path(top) / name
            if name.startswith(".") or (name in names and name.upper().startswith("README")):
                continue
            problem = _not_a_document(path, inside)
            if problem:
                errors.append(InputError(relative_name(path, root), problem))
            elif name in names:
                files.append(path)
    return sorted(files), errors


def _not_a_document(path: Path, inside: tuple[Path, ...]) -> str | None:
    """Why ``path`` is not read, or None for a regular file (or a link to one inside the workspace)."""
    try:
        return _why_not_read(path, inside)
    except RuntimeError:  # a link loop, before Python 3.13
        return "a link that leads back to itself: not read"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"


def _why_not_read(path: Path, inside: tuple[Path, ...]) -> str | None:
    info = path.lstat()
    if stat.S_ISDIR(info.st_mode):
        return None  # walked into
    if stat.S_ISLNK(info.st_mode):
        target = path.resolve()
        if not target.exists():
            return f"a link to {os.readlink(path)}, which does not exist: not read"
        if not any(target.is_relative_to(base) for base in inside):
            return f"a link to {target}, outside the workspace: refused"
        if target.is_dir():
            return f"a link to the folder {os.readlink(path)}: not followed (move or copy the files into sources/)"
        info = target.stat()
    if not stat.S_ISREG(info.st_mode):
        return f"not a regular file ({limits.kind(info.st_mode)}): not read"
    return None


def relative_name(path: Path, root: Path) -> str:
    try:
        return str(path.absolute().relative_to(root.absolute()))
    except ValueError:
        return str(path)


def load(root: Path) -> Catalog:
    """Read every source document in the workspace into a catalogue of merged drugs."""
    catalog = Catalog(root=root)
    records: list[DrugRecord] = []
    digests: dict[str, str] = {}
    files, catalog.errors = _scan(root)
    scanned = len(catalog.errors)
    texts: dict[str, bytes] = {}  # what each file that failed to read held, to tell whose record it was
    for path in files:
        name = relative_name(path, root)
        data = b""
        try:
            data = limits.read_file(path.resolve(), name, follow=False)
            digests[name] = hashlib.sha256(data).hexdigest()
            document = read_document(path, name, data)
            if isinstance(document, DrugRecord):
                limits.check_record(document, name)
        except InputError as error:
            catalog.errors.append(error)
            texts[name] = data
            continue
        except RecursionError:
            catalog.errors.append(InputError(name, f"nested too deeply to read (more than {limits.MAX_NESTING} levels)"))
            continue
        except Exception as exc:  # noqa: BLE001 - a reader bug on one odd file must not stop the rest
            catalog.errors.append(InputError(name, f"could not be read (a bug in handouts: {type(exc).__name__}: {exc})"))
            continue
        if isinstance(document, DrugRecord):
            records.append(document)
        elif isinstance(document, Regimen):
            catalog.regimens.append(document)
        else:
            catalog.skipped.append(document)
    # A translation is never merged into its original: each language is a catalogue of its own.
    records, others = translation.split(records)
    unread = catalog.errors[scanned:]  # the files read but not understood (not links, FIFOs, ...)
    for group in _group(records, catalog.errors):
        drug = _drug(_set_examples_aside(group, catalog.warnings), catalog.errors)
        drug.digests = {f: digests[f] for f in drug.files if f in digests}
        drug.problems = _unread_record_first(drug, unread, texts) or _with_next_step(drug)
        catalog.drugs.append(drug)
    for code, translated in others.items():
        catalog.translations[code] = [_drug(g, catalog.errors) for g in _group(translated, catalog.errors)]
        for drug in catalog.translations[code]:
            drug.digests = {f: digests[f] for f in drug.files if f in digests}
    catalog.drugs.sort(key=lambda d: d.slug)
    catalog.warnings.extend(_name_files(catalog.drugs))
    return catalog


NO_URGENT = "no urgent warning signs: cannot make a handout"


def _with_next_step(drug: Drug) -> list[str]:
    """The problems, with the one line that says what to do about a record with nothing urgent."""
    if NO_URGENT not in drug.problems:
        return drug.problems
    records = [f for f in drug.files if f.endswith((".yaml", ".yml"))]
    if records:
        step = f"fill in urgent_signs in {records[0]}"
    else:
        step = f"handouts extract {drug.files[0]} --save, then fill in urgent_signs in {Path(drug.files[0]).with_suffix('.yaml')}"
    return [f"{p}; next: {step}" if p == NO_URGENT else p for p in drug.problems]


def _unread_record_first(drug: Drug, unread: list[InputError], texts: dict[str, bytes]) -> list[str]:
    """A YAML record of this drug that could not be read, as the drug's first problem.

    Without it the handout would be made from the raw documents alone (or fail for a reason that
    is only a consequence, "no urgent warning signs"): the pharmacist's edit must be fixed first.
    The record is this drug's when it sits beside one of its documents under the same name, or
    names the drug on its `generic_name:` line."""
    stems = {str(Path(f).with_suffix("")) for f in drug.files}
    for error in unread:
        name = str(error.path or "")
        if not name.endswith((".yaml", ".yml")):
            continue
        if str(Path(name).with_suffix("")) in stems or _names_drug(texts.get(name, b""), drug):
            return [f"{error}: fix this first (the record is not read)"]
    return []


def _names_drug(data: bytes, drug: Drug) -> bool:
    match = re.search(r"(?m)^generic_name:\s*['\"]?([^'\"#\n]+)", data[:65536].decode("utf-8", "replace"))
    return bool(match) and name_key(match.group(1)) == name_key(drug.name)


def _name_files(drugs: list[Drug]) -> list[str]:
    """Give each drug a PDF name no other drug has; a line for each clash resolved.

    "interferon γ-1b" and "interferon g-1b" both spell "interferon-g-1b": each is numbered, so
    neither handout overwrites the other, and both drugs say so. A name with no letter or digit
    at all ("???", emoji) cannot name a file: that drug fails, naming its file."""
    stems = unique_slug({str(i): d.name for i, d in enumerate(drugs)})
    plain: dict[str, list[Drug]] = {}
    for index, drug in enumerate(drugs):
        drug.stem = stems[str(index)]
        if not drug.stem:
            drug.problems.append(
                f"{drug.files[0]}: the generic name {drug.name!r} has no letter or digit to name its PDF after")
        plain.setdefault(slug_of(drug.name), []).append(drug)
    lines = []
    for stem, clashing in sorted(plain.items()):
        if stem and len(clashing) > 1:
            names = ", ".join(f"{d.name!r} ({d.files[0]})" for d in clashing)
            for drug in clashing:
                drug.record.notes.append(f"file name: {stem}.pdf would also be another drug's; written as {drug.filename}")
            each = "both" if len(clashing) == 2 else "all"
            lines.append(f"{names} {each} make {stem}.pdf: written as {', '.join(d.filename for d in clashing)}")
    return lines


def _keys(record: DrugRecord) -> set[str]:
    # A name of no letters or digits ("???", an emoji) has the empty key: it names no drug, so
    # it never joins two records either.
    return ({name_key(record.generic_name)} | {name_key(b.name) for b in record.brands}) - {""}


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


def is_example(file: str) -> bool:
    return Path(file).parts[:2] == (SOURCES, EXAMPLES)


def _set_examples_aside(records: list[DrugRecord], warnings: list[str]) -> list[DrugRecord]:
    """The records of one drug without the examples, when any real document is about it too."""
    real = [r for r in records if not is_example(r.sources[0].file)]
    if not real or len(real) == len(records):
        return records
    for example in records:
        if is_example(example.sources[0].file):
            warnings.append(f"{example.sources[0].file}: the example record of {example.generic_name} is set aside: "
                            f"{real[0].sources[0].file} is about the same drug")
    return real


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
    if all(is_example(f) for f in files):
        record.notes.append(f"example: made by handouts init; it gives way to any document you add about {record.generic_name}")
    return Drug(record=record, files=files, problems=record.problems() or _nothing_to_watch_for(record))


def _nothing_to_watch_for(record: DrugRecord) -> list[str]:
    """A record whose only urgent content is serious-warning prose that names no sign to watch for
    and says to call no one ("Hepatotoxicity, including fatal VOD, occurred in patients who received
    X"): a red box the patient can do nothing with, so no handout, the same as with no warning at all."""
    if record.urgent_signs or record.emergency_signs:
        return []
    if any(urgency.has_call_now(f"{item.title or ''}. {item.text}") for item in record.serious_warnings):
        return []
    return [NO_URGENT]
