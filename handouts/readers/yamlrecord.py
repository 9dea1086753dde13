"""The hand-written YAML drug record: the format a pharmacist edits, read with line-precise errors.

The format is documented in README.md ("The YAML drug record"). Errors name the file, the line
and the field, because the person fixing them is looking at the file in an editor.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from ..errors import InputError
from ..record import BrandName, DrugRecord, Item, Source, TranslationOf, limits
from ..record.fields import ITEM_PARTS, SINGLE_FIELDS, URGENT_FIELDS, YAML_KEYS, YAML_LIST_FIELDS
from .text import parse_date, squash

KIND = "yaml"
# A source entry with `kind: clinic` is the clinic's own words: what the pharmacist writes into a
# record. Items without `source:` are credited to it, never to a document they did not come from.
CLINIC = "clinic"

# Keys only our own records have at the top level; cancer.gov front matter has none of them.
_SIGNATURE = re.compile(r"^(generic_name|urgent_signs|serious_warnings|side_effects|how_it_works)\s*:", re.M)

# The lists a record holds, with care_team_notes: sentences for prescribers a reader kept out of the
# printed page (issue 12).
LIST_FIELDS = YAML_LIST_FIELDS
# A translated record's keys among them: its language, the record it translates, and (per urgent
# item) "of:" (README, "Languages").
TOP_KEYS = YAML_KEYS
ITEM_KEYS = frozenset((*ITEM_PARTS, "source", "of"))
MAPPED_FIELDS = URGENT_FIELDS  # as in translation.MAPPED
BRAND_KEYS = frozenset(("name", "country", "qualifier", "discontinued", "source"))
SOURCE_KEYS = frozenset(
    ("id", "kind", "publisher", "title", "url", "license", "language", "last_reviewed", "review_frequency",
     "reviewed_by")
)


def detect(text: str) -> bool:
    return bool(_SIGNATURE.search(text)) and not re.search(r"(?m)^#{1,6} \S", _body_after_front_matter(text))


def _body_after_front_matter(text: str) -> str:
    """What follows a closing "---" line: a Markdown body means a web page, not a record."""
    parts = re.split(r"(?m)^---\s*$", text, maxsplit=2)
    return parts[2] if len(parts) == 3 and not parts[0].strip() else ""


def read(text: str, path: str) -> DrugRecord:
    root = _compose(text, path)
    if not isinstance(root, yaml.MappingNode):
        raise InputError(path, "a drug record must be a YAML mapping of fields", _line(root))
    fields = _mapping(root, path, TOP_KEYS, "record")
    if "generic_name" not in fields:
        raise InputError(path, "missing required field 'generic_name'", _line(root))
    sources = _sources(fields.get("sources"), path)
    default = default_source(sources).key
    ids = {s.key for s in sources}
    record = DrugRecord(
        generic_name=_text(fields["generic_name"], path, "generic_name"),
        brands=[_brand(n, path, default, ids) for n in _sequence(fields.get("brands"), path, "brands")],
        sources=sources,
        rxnorm=[_rxcui(n, path) for n in _sequence(fields.get("rxnorm"), path, "rxnorm")],
    )
    for name in SINGLE_FIELDS:
        if name in fields and not _is_null(fields[name]):  # an empty slot `extract` wrote
            setattr(record, name, _item(fields[name], path, name, default, ids))
    for name in LIST_FIELDS:
        items = _sequence(fields.get(name), path, name)
        setattr(record, name, [_item(node, path, name, default, ids) for node in items])
    if "language" in fields:
        record.language = _text(fields["language"], path, "language")
    if "translates" in fields:
        record.translation = _translation(fields, path)
    _drop_uncited_clinic(record)
    return record


def _translation(fields: dict[str, yaml.Node], path: str) -> TranslationOf:
    of = _mapping(fields["translates"], path, frozenset(("generic_name", "language")), "translates")
    if "generic_name" not in of:
        raise InputError(path, "translates needs the generic_name of the record it translates", _line(fields["translates"]))
    positions = {}
    for name in MAPPED_FIELDS:
        positions[name] = [_of(node, path, name, n) for n, node in enumerate(_sequence(fields.get(name), path, name))]
    review = fields.get("translated_from_review")
    return TranslationOf(
        generic_name=_text(of["generic_name"], path, "translates.generic_name"),
        language=_optional_text(of, "language", path, "translates") or "en",
        from_review=_date(review, path, "translated_from_review") if review is not None else None,
        of=positions,
    )


def _of(node: yaml.Node, path: str, field: str, position: int) -> int:
    """Which of the original's items (0-based) this item translates: its own position unless it says "of: N" (1-based)."""
    if not isinstance(node, yaml.MappingNode):
        return position
    value = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "of"), None)
    if value is None:
        return position
    if not (isinstance(value, yaml.ScalarNode) and value.value.isdigit() and int(value.value) >= 1):
        raise InputError(path, f"{field}.of must be the number of the original's item it translates (1, 2, ...)", _line(value))
    return int(value.value) - 1


def default_source(sources: list[Source]) -> Source:
    """Whom an item without `source:` is credited to: the clinic's own words when the record has them."""
    return next((s for s in sources if s.kind == CLINIC), sources[0])


def _drop_uncited_clinic(record: DrugRecord) -> None:
    """A clinic entry no item cites is a slot not yet used: the footer must not claim the clinic wrote anything."""
    items = [getattr(record, n) for n in SINGLE_FIELDS] + [it for n in LIST_FIELDS for it in getattr(record, n)]
    cited = {it.source for it in items if it is not None} | {b.source for b in record.brands}
    if len(record.sources) > 1:
        record.sources = [s for s in record.sources if s.kind != CLINIC or s.key in cited]


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


# libyaml parses about twenty times faster; the pure-Python parser gives the clearer messages,
# so it parses again only a document that has an error.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str, path: str) -> yaml.Node | None:
    try:
        _check_structure(text, path)
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        pass
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:  # the pure-Python composer recurses once per level
        raise InputError(path, f"nested more than {limits.MAX_YAML_DEPTH} levels deep") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed quote or bracket is only noticed at the end of the stream, which is a line past
        # the last one: point at the line where the unclosed thing starts (the context) instead.
        if exc.context_mark is not None and (mark is None or mark.index >= len(text)):
            mark = exc.context_mark
        # The context ("while scanning a quoted scalar") is half the explanation: keep it.
        problem = ", ".join(p for p in (exc.context, exc.problem) if p)
        raise InputError(path, f"YAML syntax error: {problem}", _mark_line(mark)) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"YAML syntax error: {squash(str(exc))}") from None


def _check_structure(text: str, path: str) -> None:
    """Refuse alias bombs and deep nesting from the event stream, before any node is built.

    libyaml composes nodes recursively in C: 100,000 nested brackets crashed the process
    (a segmentation fault, not an exception), and 100,000 aliases in a list multiplied the
    items read. Events come one by one, so the scan stops at the first level or alias too many."""
    depth = aliases = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limits.MAX_YAML_DEPTH:
                raise InputError(path, f"nested more than {limits.MAX_YAML_DEPTH} levels deep",
                                 _mark_line(event.start_mark))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > limits.MAX_YAML_ALIASES:
                raise InputError(path, f"more than {limits.MAX_YAML_ALIASES} YAML aliases (*name)",
                                 _mark_line(event.start_mark))


def _mark_line(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


def _line(node: yaml.Node | None) -> int | None:
    return _mark_line(node.start_mark) if node is not None else None


def _mapping(node: yaml.Node, path: str, allowed: frozenset[str], what: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(path, f"{what} must be a mapping of fields", _line(node))
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in allowed:
            raise InputError(path, _unknown_field(node, key, value_node, allowed, what), _line(key_node))
        if key in fields:
            raise InputError(path, f"field {key!r} given twice in {what}", _line(key_node))
        fields[key] = value_node
    return fields


def _unknown_field(node: yaml.MappingNode, key, value: yaml.Node, allowed: frozenset[str], what: str) -> str:
    message = f"unknown field {key!r} in {what}"
    if node.flow_style and _is_null(value) and "text" in allowed:
        # {text: trouble walking, slurred speech}: the comma ended the text and began a field.
        first = next((k.value for k, v in node.value if k.value == "text" and isinstance(v, yaml.ScalarNode)), None)
        if first is not None:
            words = next(v.value for k, v in node.value if k.value == "text")
            return (f"{message}: a comma inside {{...}} starts a new field; put the text in quotes: "
                    f"{{text: \"{words}, {key}\"}}")
    return f"{message} (known: {', '.join(sorted(allowed))})"


def _sequence(node: yaml.Node | None, path: str, field: str) -> list[yaml.Node]:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(path, f"field '{field}' must be a list", _line(node))
    if len(node.value) > limits.MAX_ITEMS:
        raise InputError(path, limits.too_many(len(node.value), field), _line(node))
    return list(node.value)


def _rxcui(node: yaml.Node, path: str) -> str:
    """An RxNorm concept id: digits only (YAML may read it as a number; either is taken)."""
    value = _text(node, path, "rxnorm")
    if not value.isdigit():
        raise InputError(path, f"rxnorm: {value!r} is not an RxNorm code (RXCUI: digits, e.g. 3002)", _line(node))
    return value


def _text(node: yaml.Node, path: str, field: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        raise InputError(path, f"field '{field}' must be text", _line(node))
    if len(node.value) > limits.MAX_ITEM_CHARS:
        raise InputError(path, limits.too_long(len(node.value), field), _line(node))
    value = squash(str(node.value))
    if not value:
        raise InputError(path, f"field '{field}' is empty", _line(node))
    problem = limits.text_problem(value)
    if problem:
        raise InputError(path, f"field '{field}': {problem}", _line(node))
    return value


def _optional_text(fields: dict[str, yaml.Node], name: str, path: str, what: str) -> str | None:
    return _text(fields[name], path, f"{what}.{name}") if name in fields else None


def _source_ref(fields: dict[str, yaml.Node], path: str, default: str, ids: set[str], what: str) -> str:
    if "source" not in fields:
        return default
    key = f"{path}#{_text(fields['source'], path, what + '.source')}"
    if key not in ids:
        raise InputError(path, f"{what}.source names no source listed under 'sources'", _line(fields["source"]))
    return key


def _item(node: yaml.Node, path: str, field: str, default: str, ids: set[str]) -> Item:
    if isinstance(node, yaml.ScalarNode):
        return Item(_text(node, path, field), default)
    fields = _mapping(node, path, ITEM_KEYS, f"an item of '{field}'")
    if "text" not in fields:
        raise InputError(path, f"an item of '{field}' has no 'text'", _line(node))
    return Item(
        text=_text(fields["text"], path, f"{field}.text"),
        source=_source_ref(fields, path, default, ids, field),
        title=_optional_text(fields, "title", path, field),
        frequency=_optional_text(fields, "frequency", path, field),
        signs=_signs(fields, path, field),
        action=_optional_text(fields, "action", path, field),
    )


def _signs(fields: dict[str, yaml.Node], path: str, field: str) -> list[str]:
    """A serious warning's ``signs:``, a list of short texts (record/fields.py ITEM_PARTS)."""
    if "signs" not in fields:
        return []
    node = fields["signs"]
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(path, f"{field}.signs must be a list of signs (- sign)", _line(node))
    return [_text(sign, path, f"{field}.signs") for sign in node.value]


def _brand(node: yaml.Node, path: str, default: str, ids: set[str]) -> BrandName:
    if isinstance(node, yaml.ScalarNode):
        return BrandName(_text(node, path, "brands"), source=default)
    fields = _mapping(node, path, BRAND_KEYS, "a brand")
    if "name" not in fields:
        raise InputError(path, "a brand has no 'name'", _line(node))
    discontinued = False
    if "discontinued" in fields:
        try:
            value = yaml.SafeLoader("").construct_object(fields["discontinued"])
        except (ValueError, yaml.YAMLError):  # e.g. an impossible date such as 2024-13-01
            value = None
        if not isinstance(value, bool):
            raise InputError(path, "brands.discontinued must be true or false", _line(fields["discontinued"]))
        discontinued = value
    return BrandName(
        name=_text(fields["name"], path, "brands.name"),
        country=_optional_text(fields, "country", path, "brands"),
        qualifier=_optional_text(fields, "qualifier", path, "brands"),
        discontinued=discontinued,
        source=_source_ref(fields, path, default, ids, "brands"),
    )


def _sources(node: yaml.Node | None, path: str) -> list[Source]:
    """The documents the record cites; with none, the record itself is its only source."""
    nodes = _sequence(node, path, "sources")
    if not nodes:
        return [Source(key=path, file=path, kind=KIND)]
    sources, clinic = [], []
    for index, entry in enumerate(nodes, 1):
        fields = _mapping(entry, path, SOURCE_KEYS, "a source")
        ident = _optional_text(fields, "id", path, "sources") or f"s{index}"
        # Name the line of the second use of an id, not the start of the list.
        if any(s.key == f"{path}#{ident}" for s in sources):
            raise InputError(path, f"two sources share the id {ident!r}", _line(fields.get("id", entry)))
        kind = _kind(fields.get("kind"), path)
        source = Source(
            key=f"{path}#{ident}",
            file=path,
            kind=kind,
            publisher=_optional_text(fields, "publisher", path, "sources"),
            title=_optional_text(fields, "title", path, "sources"),
            url=_optional_text(fields, "url", path, "sources"),
            license=_optional_text(fields, "license", path, "sources"),
            language=_optional_text(fields, "language", path, "sources"),
            last_reviewed=_date(fields.get("last_reviewed"), path),
            review_frequency=_optional_text(fields, "review_frequency", path, "sources"),
            # `reviewed_by:` left empty is the slot `extract` writes, not yet filled in.
            reviewed_by=None if _is_null(fields.get("reviewed_by", entry))
            else _optional_text(fields, "reviewed_by", path, "sources"),
        )
        problem = limits.review_problem(source)
        if problem:  # 9999-12-01, quarterly: no such day to be due on
            raise InputError(path, f"sources.last_reviewed: {problem}", _line(fields.get("last_reviewed", entry)))
        (clinic if kind == CLINIC else sources).append(source)
    # The documents first: a record is known as a YAML record by its first source.
    return sources + clinic if sources else clinic


def _kind(node: yaml.Node | None, path: str) -> str:
    if node is None:
        return KIND
    if isinstance(node, yaml.ScalarNode) and node.value == CLINIC:
        return CLINIC
    raise InputError(path, "sources.kind must be 'clinic' (the clinic's own words) or left out", _line(node))


def _date(node: yaml.Node | None, path: str, field: str = "sources.last_reviewed") -> dt.date | None:
    if node is None or _is_null(node):
        return None
    value = parse_date(str(node.value)) if isinstance(node, yaml.ScalarNode) else None
    if value is None:
        raise InputError(path, f"{field} must be a date such as 2025-12-30", _line(node))
    return value


def dump(record: DrugRecord) -> str:
    """The record as a YAML record a pharmacist can save, edit and drop back into sources/."""
    return yaml.safe_dump(to_yaml_data(record), sort_keys=False, allow_unicode=True, width=100)


def to_yaml_data(record: DrugRecord) -> dict:
    ids = {source.key: (CLINIC if source.kind == CLINIC else f"s{n}") for n, source in enumerate(record.sources, 1)}
    first = default_source(record.sources).key if record.sources else None

    def ref(data: dict, key: str) -> dict:
        if key != first and key in ids:
            data["source"] = ids[key]
        return data

    def item(it: Item) -> dict | str:
        data = {k: v for k, v in (("title", it.title), ("text", it.text), ("frequency", it.frequency),
                                  ("signs", list(it.signs)), ("action", it.action)) if v}
        data = ref(data, it.source)
        return data["text"] if list(data) == ["text"] else data

    out: dict = {"generic_name": record.generic_name}
    if record.brands:
        out["brands"] = [
            ref({k: v for k, v in (("name", b.name), ("country", b.country), ("qualifier", b.qualifier),
                                   ("discontinued", b.discontinued)) if v}, b.source)
            for b in record.brands
        ]
    if record.rxnorm:
        out["rxnorm"] = list(record.rxnorm)
    for name in SINGLE_FIELDS:
        value = getattr(record, name)
        if value is not None:
            out[name] = item(value)
    for name in LIST_FIELDS:
        items = getattr(record, name)
        if items:
            out[name] = [item(it) for it in items]
    _translation_data(record, out)
    out["sources"] = [_source_data(s, ids[s.key]) for s in record.sources]
    return out


def _translation_data(record: DrugRecord, out: dict) -> None:
    """A translated record's language, what it translates and which original item each urgent
    item translates (``of``, 1-based): without them it would read back as an English record."""
    if record.language:
        out["language"] = record.language
    translation = record.translation
    if translation is None:
        return
    out["translates"] = {"generic_name": translation.generic_name, "language": translation.language}
    if translation.from_review:
        out["translated_from_review"] = translation.from_review
    for name in MAPPED_FIELDS:
        for n, position in enumerate(translation.of.get(name, [])):
            entry = out[name][n]
            out[name][n] = {**({"text": entry} if isinstance(entry, str) else entry), "of": position + 1}


def _source_data(source: Source, ident: str) -> dict:
    data = {
        "id": ident,
        "kind": CLINIC if source.kind == CLINIC else None,
        "publisher": source.publisher,
        "title": source.title,
        "url": source.url,
        "license": source.license,
        "language": source.language,
        "last_reviewed": source.last_reviewed,
        "review_frequency": source.review_frequency,
        "reviewed_by": source.reviewed_by,
    }
    return {k: v for k, v in data.items() if v is not None}
