"""cancer.gov drug pages saved as Markdown with YAML front matter.

Three kinds of page share the format and each is recognised from its content:

* a single-drug page ("Inotuzumab Ozogamicin"): pronunciation in brackets, "US Brand Name(s)" one per
  line, "FDA Approved", an optional how-it-works opening paragraph and a "Use in Cancer" section;
* a combination page ("FOLFIRI"): a "Drugs in the FOLFIRI combination" table, read as a Regimen;
* an index page ("Drugs Approved for Bladder Cancer"): a list of links, which names no single drug
  and is returned as Skipped.

The Markdown is parsed with markdown-it so that links, bold and escapes are handled by a real
parser; only the page's own conventions (labels such as "US Brand Name(s)") are matched by hand.

Use in Cancer bullets: cancer.gov writes sub-points of a lead bullet ("... It is used:") as bullets
of the same level. Every bullet stays an Item, so nothing is lost; a sub-point (a bullet with no bold
condition after a lead ending in ":" or starting "It ..."/"They ...", or a truly nested bullet) gets
the lead's condition ("B-cell acute lymphoblastic leukemia") as its title so it reads on its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # markdown-it is imported when a page is parsed: most builds read only YAML records
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from ..errors import InputError
from ..record import BrandName, DrugRecord, Item, Regimen, Skipped, Source
from ..rules import urgency
from .text import parse_date, squash

KIND = "cancer.gov"

PUBLISHER = "National Cancer Institute"
COUNTRY = "United States"
# Front matter longer than this is not a web page's metadata block; keeps detect() cheap.
MAX_FRONT_MATTER_LINES = 400
# Brand names are short; a longer line under "US Brand Name(s)" is prose that followed them.
MAX_BRAND_LENGTH = 60

_FENCE_OPEN = re.compile(r"^---\s*$")
_FENCE_CLOSE = re.compile(r"^(?:---|\.\.\.)\s*$")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")
_CANCER_GOV = re.compile(r"^https?://(?:[\w-]+\.)*cancer\.gov(?:[/:?#]|$)", re.I)
_NCI = re.compile(r"^(?:NCI|National Cancer Institute)$", re.I)
_ATX_H1 = re.compile(r"(?m)^ {0,3}# +\S")
_NCI_SUFFIX = re.compile(r"(?<!\s)\s+[-\u2013\u2014]\s+NCI\s*$", re.I)
_INDEX_TITLE = re.compile(r"^(Drugs?\s+Approved\s+for|Drug\s+Combinations\s+Used\s+in)\s+(\S.*)$", re.I)
_COMBO_LEAD = re.compile(r"^Drugs in the .+ combination\b", re.I)
_SECTION_USES = re.compile(r"^Uses? in Cancer$", re.I)
_BRAND_LABEL = re.compile(r"^US Brand Names?(?:\s*\(s\))?\s*:?$", re.I)
_FDA_LABEL = re.compile(r"^FDA Approved\s*:?$", re.I)
_NO_LONGER = re.compile(r"no longer available", re.I)
_BRIEF = re.compile(r"^This page contains brief information\b", re.I)
_PRONUNCIATION = re.compile(r"^\(([^()]{2,200})\)$")
_PLACEHOLDER = re.compile(r"^Placeholder slot$", re.I)
_PRONOUN_START = re.compile(r"^(?:It|They|This|These)\s", re.I)
_CONNECTOR = re.compile(r"^(?:,|and|or|,\s*and|,\s*or|/)?$", re.I)
_DRUG_LINK = re.compile(r"/treatment/drugs/", re.I)
# Footnote and reference markers: [^1], [1], [1,2], [Ref], superscript digits, trailing * † ‡ §.
_MARKERS = re.compile(
    r"(?<![ \t])[ \t]*\[\^[^\]\s]*\]"
    r"|(?<![ \t])[ \t]*\[(?:Ref|\d+(?:\s*[,\u2013-]\s*\d+)*)\]"
    r"|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+"
    r"|(?<=\S)[*\u2020\u2021\u00a7]+(?=[\s.,;:)]|$)"
    r"|\*{2,}",
    re.I,
)
_TRAILING_PAREN = re.compile(r"(?<!\s)\s*\([^()]*\)\s*$")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # html on, so that <sup>1</sup> footnote markers arrive as tags we can drop, not as literal text.
    return MarkdownIt("commonmark", {"html": True}).enable("table")


# --------------------------------------------------------------------------- detection


def detect(text: str) -> bool:
    """Front matter naming a cancer.gov url (or source NCI with a "# Title"), followed by a body."""
    try:
        split = _split_front_matter(text)
        if split is None:
            return False
        keys = _top_level_keys(split.front_lines)
        if "generic_name" in keys or not split.body.strip():
            return False  # our own YAML drug records, or bare metadata
        if _CANCER_GOV.match(_unquote(keys.get("url", ""))):
            return True
        return bool(_NCI.match(_unquote(keys.get("source", "")))) and bool(_ATX_H1.search(split.body))
    except Exception:  # detect must never raise, whatever it is given
        return False


@dataclass
class _Split:
    front_lines: list[str]
    front_start: int  # 1-based line number of the first front-matter line
    body: str
    body_start: int  # 1-based line number of the first body line


def _split_front_matter(text: str) -> _Split | None:
    lines = text.lstrip("\ufeff").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _FENCE_OPEN.match(lines[first]):
        return None
    limit = min(len(lines), first + 1 + MAX_FRONT_MATTER_LINES)
    close = next((i for i in range(first + 1, limit) if _FENCE_CLOSE.match(lines[i])), None)
    if close is None:
        return None
    return _Split(lines[first + 1 : close], first + 2, "\n".join(lines[close + 1 :]), close + 2)


def _top_level_keys(lines: list[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for line in lines:
        match = _TOP_KEY.match(line)
        if match:
            keys.setdefault(match.group(1), match.group(2).strip())
    return keys


def _unquote(value: str) -> str:
    return value.strip().strip("'\"").strip()


# --------------------------------------------------------------------------- reading


def read(text: str, path: str) -> DrugRecord | Regimen | Skipped:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    split = _split_front_matter(text)
    if split is None:
        raise InputError(path, "no YAML front matter ('---' block) at the top of the cancer.gov page", 1)
    meta = _front_matter(split, path)
    blocks = _blocks(split.body, split.body_start, path)
    title, title_line = _title(blocks, split, path)
    source = _source(meta, path, title)
    page = _Page(title, title_line, blocks, path, source)
    return page.document()


def _front_matter(split: _Split, path: str) -> dict:
    try:
        meta = yaml.safe_load("\n".join(split.front_lines))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = split.front_start + mark.line if mark is not None else split.front_start
        raise InputError(path, f"front matter is not valid YAML: {exc.problem or exc.context}", line) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise InputError(path, f"front matter is not valid YAML: {squash(str(exc))}", split.front_start) from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise InputError(path, "front matter must be a YAML mapping of fields", split.front_start)
    return meta


def _source(meta: dict, path: str, title: str) -> Source:
    publisher = _scalar(meta.get("source"))
    if publisher and _NCI.match(publisher):
        publisher = PUBLISHER
    return Source(
        key=path,
        file=path,
        kind=KIND,
        publisher=publisher,
        title=_scalar(meta.get("title")) or title,
        url=_scalar(meta.get("url")),
        license=_scalar(meta.get("license")),
        language=_scalar(meta.get("language")),
        last_reviewed=_date(_field(meta, "lastReviewed", "last_reviewed")),
        review_frequency=_scalar(_field(meta, "reviewFrequency", "review_frequency")),
    )


def _field(meta: dict, *names: str):
    return next((meta[name] for name in names if name in meta), None)


def _scalar(value) -> str | None:
    """A front-matter value as text; lists, mappings and blanks give None rather than a guess."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        return None
    return squash(str(value)) or None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _scalar(value)
    return parse_date(text) if text else None


# --------------------------------------------------------------------------- Markdown blocks


@dataclass
class _Block:
    """One unit of the page: a heading, a paragraph, a list item or a table row."""

    kind: str  # "heading", "para", "item", "row"
    line: int
    level: int = 0  # heading level, or list nesting depth for items
    list_id: int = 0
    header: bool = False  # a table header row
    inlines: list[Token] = field(default_factory=list)  # cells, for rows

    @property
    def inline(self) -> Token | None:
        return self.inlines[0] if self.inlines else None

    def text(self) -> str:
        return squash(" ".join(_plain(tok.children or []) for tok in self.inlines))

    def lines(self) -> list[str]:
        raw = "\n".join(_plain(tok.children or []) for tok in self.inlines)
        return [squash(line) for line in raw.split("\n") if squash(line)]


def _blocks(body: str, body_start: int, path: str) -> list[_Block]:
    try:
        tokens = _markdown().parse(body)
    except Exception as exc:  # markdown-it should not fail, but a crash must reach the user as an InputError
        raise InputError(path, f"cannot parse the Markdown body: {exc}", body_start) from None
    return _BlockWalker(body_start).walk(tokens)


class _BlockWalker:
    """Flattens markdown-it's token stream into _Blocks, remembering list nesting and table rows."""

    def __init__(self, body_start: int):
        self.body_start = body_start
        self.blocks: list[_Block] = []
        self.lists: list[int] = []
        self.items: list[_Block] = []
        self.row: _Block | None = None
        self.heading: _Block | None = None
        self.in_thead = False
        self.next_list = 0

    def line(self, token: Token) -> int:
        return self.body_start + (token.map[0] if token.map else 0)

    def walk(self, tokens: list[Token]) -> list[_Block]:
        for token in tokens:
            handler = getattr(self, "on_" + token.type, None)
            if handler:
                handler(token)
        return self.blocks

    def on_heading_open(self, token: Token) -> None:
        level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        self.heading = _Block("heading", self.line(token), level=level)
        self.blocks.append(self.heading)

    def on_heading_close(self, token: Token) -> None:
        self.heading = None

    def on_bullet_list_open(self, token: Token) -> None:
        self.next_list += 1
        self.lists.append(self.next_list)

    on_ordered_list_open = on_bullet_list_open

    def on_bullet_list_close(self, token: Token) -> None:
        if self.lists:
            self.lists.pop()

    on_ordered_list_close = on_bullet_list_close

    def on_list_item_open(self, token: Token) -> None:
        item = _Block("item", self.line(token), level=len(self.lists), list_id=self.lists[-1] if self.lists else 0)
        self.blocks.append(item)
        self.items.append(item)

    def on_list_item_close(self, token: Token) -> None:
        if self.items:
            self.items.pop()

    def on_thead_open(self, token: Token) -> None:
        self.in_thead = True

    def on_thead_close(self, token: Token) -> None:
        self.in_thead = False

    def on_tr_open(self, token: Token) -> None:
        self.row = _Block("row", self.line(token), header=self.in_thead)
        self.blocks.append(self.row)

    def on_tr_close(self, token: Token) -> None:
        self.row = None

    def on_inline(self, token: Token) -> None:
        if self.heading is not None:
            self.heading.inlines.append(token)
        elif self.row is not None:
            self.row.inlines.append(token)
        elif self.items:
            self.items[-1].inlines.append(token)
        else:
            self.blocks.append(_Block("para", self.line(token), inlines=[token]))


# --------------------------------------------------------------------------- inline text


def _plain(children: list[Token]) -> str:
    """Plain text of inline tokens: links and emphasis unwrapped, footnote markers dropped.

    Line breaks inside a paragraph are kept as "\\n" because brand names come one per line.
    """
    out: list[str] = []
    skip_sup = 0
    skip_link = False
    for index, child in enumerate(children):
        kind = child.type
        if kind == "html_inline":
            skip_sup = _sup_depth(child.content, skip_sup)
            if re.match(r"<br\s*/?>", child.content, re.I):
                out.append("\n")
        elif kind == "link_open":
            skip_link = _is_footnote_link(children, index)
        elif kind == "link_close":
            skip_link = False
        elif skip_sup or skip_link:
            continue
        elif kind in ("text", "text_special", "code_inline"):
            out.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
    return _MARKERS.sub("", "".join(out))


def _sup_depth(tag: str, depth: int) -> int:
    if re.match(r"<sup\b", tag, re.I):
        return depth + 1
    if re.match(r"</sup\s*>", tag, re.I):
        return max(0, depth - 1)
    return depth


def _is_footnote_link(children: list[Token], index: int) -> bool:
    """A link whose text starts with "^" is a footnote reference ("[^1]" with a definition)."""
    following = children[index + 1] if index + 1 < len(children) else None
    return following is not None and following.type == "text" and following.content.startswith("^")


def _clean(text: str) -> str:
    return squash(_MARKERS.sub("", text)).strip(" -\u2013")


def _condition(inline: Token | None) -> str | None:
    """The condition a Use bullet is about: its leading bold span(s) or leading link, without end punctuation.

    "**Nausea** and **vomiting** caused by ..." gives "Nausea and vomiting"; bold spans joined by
    more than a connector word end the condition.
    """
    children = [c for c in (inline.children or []) if not (c.type == "text" and not c.content.strip())] if inline else []
    if not children or children[0].type not in ("strong_open", "link_open"):
        return None
    close_type = "strong_close" if children[0].type == "strong_open" else "link_close"
    end = _span_end(children, 0, close_type)
    if close_type == "strong_close":
        end = _extend_bold(children, end)
    condition = squash(_plain(children[:end])).rstrip(".:;, ")
    return condition or None


def _span_end(children: list[Token], start: int, close_type: str) -> int:
    """Index just past the closing token matching children[start]."""
    open_type = children[start].type
    depth = 0
    for index in range(start, len(children)):
        if children[index].type == open_type:
            depth += 1
        elif children[index].type == close_type:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(children)


def _extend_bold(children: list[Token], end: int) -> int:
    while end < len(children):
        gap = end
        while gap < len(children) and children[gap].type == "text" and _CONNECTOR.match(children[gap].content.strip()):
            gap += 1
        if gap == end or gap >= len(children) or children[gap].type != "strong_open":
            return end
        end = _span_end(children, gap, "strong_close")
    return end


def _has_bold(block: _Block) -> bool:
    return any(c.type == "strong_open" for tok in block.inlines for c in (tok.children or []))


def _drug_links(block: _Block) -> list[str]:
    """Texts of links to cancer.gov drug pages in a block, in order."""
    names = []
    for tok in block.inlines:
        children = tok.children or []
        for index, child in enumerate(children):
            if child.type == "link_open" and _DRUG_LINK.search(str(child.attrGet("href") or "")):
                end = _span_end(children, index, "link_close")
                name = _clean(_plain(children[index + 1 : end - 1]))
                if name:
                    names.append(name)
    return names


# --------------------------------------------------------------------------- the page


def _title(blocks: list[_Block], split: _Split, path: str) -> tuple[str, int]:
    for block in blocks:
        if block.kind == "heading" and block.level == 1:
            title = _NCI_SUFFIX.sub("", block.text()).strip()
            if title:
                return title, block.line
    raise InputError(path, "no '# Title' heading after the front matter: cannot tell which drug this is", split.body_start)


class _Page:
    """One parsed page, split into the part before the first "##" heading and the Use in Cancer section."""

    def __init__(self, title: str, title_line: int, blocks: list[_Block], path: str, source: Source):
        self.title = title
        self.title_line = title_line
        self.path = path
        self.source = source
        self.blocks = blocks
        self.intro = self._intro(blocks)
        self.use_blocks = self._section(blocks, _SECTION_USES)
        self.has_use_section = self.use_blocks is not None

    @staticmethod
    def _intro(blocks: list[_Block]) -> list[_Block]:
        intro = []
        for block in blocks:
            if block.kind == "heading" and block.level == 2:
                break
            if not (block.kind == "heading" and block.level == 1):
                intro.append(block)
        return intro

    @staticmethod
    def _section(blocks: list[_Block], name: re.Pattern) -> list[_Block] | None:
        """The blocks under the "##" heading ``name`` matches, or None when there is no such heading."""
        section: list[_Block] | None = None
        for block in blocks:
            if block.kind == "heading" and block.level <= 2:
                if section is not None:
                    break
                if name.match(block.text()):
                    section = []
            elif section is not None:
                section.append(block)
        return section

    def document(self) -> DrugRecord | Regimen | Skipped:
        if _INDEX_TITLE.match(self.title):
            return self.skipped()
        has_brands = any(_BRAND_LABEL.match(line) for block in self.intro for line in block.lines())
        if self.is_combination() and not has_brands:
            return self.regimen()
        if has_brands or self.has_use_section or self.has_single_drug_signs():
            return self.drug()
        if self.is_index():
            return self.skipped()
        raise InputError(
            self.path,
            "no drug information found: no 'Use in Cancer' section, brand names or combination table",
            self.title_line,
        )

    # ---- kinds

    def is_combination(self) -> bool:
        lead = any(block.kind == "para" and _COMBO_LEAD.match(block.text()) for block in self.intro)
        return lead or any(block.kind == "row" and _drug_links(block) for block in self.intro)

    def has_single_drug_signs(self) -> bool:
        for block in self.intro:
            for line in block.lines():
                if _FDA_LABEL.match(line) or _BRIEF.match(line) or _PRONUNCIATION.match(line):
                    return True
        return False

    def is_index(self) -> bool:
        """Several list items or lines linking to cancer.gov drug pages, and nothing else to read: a list of drugs."""
        lone_links = sum(1 for block in self.blocks if block.kind in ("item", "para") and _drug_links(block))
        return lone_links >= 2

    def skipped(self) -> Skipped:
        match = _INDEX_TITLE.match(self.title)
        listing = f"{squash(match.group(1)).lower()} {match.group(2)}" if match else f"drugs ({self.title})"
        return Skipped(self.title, f"index page listing {listing}, not a single drug", self.source)

    def regimen(self) -> Regimen:
        drugs = self.combination_drugs()
        if not drugs:
            raise InputError(self.path, f"combination page '{self.title}' lists no drugs in its table", self.title_line)
        return Regimen(name=self.title, drugs=drugs, uses=self.uses(), sources=[self.source])

    def drug(self) -> DrugRecord:
        record = DrugRecord(generic_name=self.title, sources=[self.source])
        record.uses = self.uses(record)
        _IntroReader(record, self.path).read(self.intro)
        self.report_other_sections(record)
        record.ignored.sort(key=lambda block: block.line)
        return urgency.settle(record)

    def report_other_sections(self, record: DrugRecord) -> None:
        """Each "##" section but Use in Cancer (links to more reading, trials): one ignored report."""
        heading: _Block | None = None
        texts: list[str] = []
        for block in [*self.blocks, None]:
            if block is None or (block.kind == "heading" and block.level <= 2):
                if heading is not None and texts and not _SECTION_USES.match(heading.text()):
                    words = " ".join(texts)
                    size = f"{len(texts)} paragraph" + ("" if len(texts) == 1 else "s")
                    urgency.pull_urgent(words, self.path, heading.line,
                                        f"{size} under '{heading.text()}'", record)
                heading, texts = (block if block is not None and block.level == 2 else None), []
            elif heading is not None and (text := _clean(block.text())):
                texts.append(text)

    # ---- parts

    def combination_drugs(self) -> list[str]:
        drugs: list[str] = []
        for row in self._table_rows():
            name = _row_drug(row)
            if name and name not in drugs:
                drugs.append(name)
        return drugs

    def _table_rows(self) -> list[_Block]:
        rows: list[_Block] = []
        for block in self.intro:
            if block.kind == "row" and (not block.header or _drug_links(block)):
                rows.append(block)
            elif block.kind == "para":
                rows.extend(_pipe_rows(block))
        return rows

    def uses(self, record: DrugRecord | None = None) -> list[Item]:
        reader = _UsesReader(self.path)
        items = reader.read(self.use_blocks or [])
        for line, text in reader.unread if record is not None else []:
            urgency.pull_urgent(text, self.path, line, "a paragraph of 'Use in Cancer' that names no use", record)
        return items


def _pipe_rows(block: _Block) -> list[_Block]:
    """Table rows that markdown-it left as a paragraph (a page saved without the "| --- |" line)."""
    rows = []
    for offset, line in enumerate(_raw_lines(block)):
        stripped = line.strip()
        if not stripped.startswith("|") or re.fullmatch(r"[|\s:-]*", stripped):
            continue
        inlines = []
        for cell in stripped.strip("|").split("|"):
            parsed = [t for t in _markdown().parseInline(cell) if t.type == "inline"]
            inlines.extend(parsed)
        rows.append(_Block("row", block.line + offset, inlines=inlines))
    return rows


def _raw_lines(block: _Block) -> list[str]:
    return "\n".join(tok.content for tok in block.inlines).split("\n")


def _row_drug(row: _Block) -> str | None:
    """A combination table row's drug: its link text, else its last cell without "=" and a brand in brackets."""
    links = _drug_links(row) or [name for tok in row.inlines for name in _link_texts(tok)]
    if links:
        return links[0]
    cells = [_clean(_plain(tok.children or [])) for tok in row.inlines]
    cells = [c for c in cells if c]
    if not cells:
        return None
    name = _TRAILING_PAREN.sub("", cells[-1].lstrip("= ").strip())
    return _clean(name) or None


def _link_texts(token: Token) -> list[str]:
    children = token.children or []
    texts = []
    for index, child in enumerate(children):
        if child.type == "link_open" and not _is_footnote_link(children, index):
            end = _span_end(children, index, "link_close")
            text = _clean(_plain(children[index + 1 : end - 1]))
            if text:
                texts.append(text)
    return texts


class _IntroReader:
    """The part of a drug page above "## Use in Cancer": pronunciation, opening paragraph, brands."""

    def __init__(self, record: DrugRecord, path: str):
        self.record = record
        self.path = path
        self.state: str | None = None  # None, "brands", "fda", "after"
        self.opened = False  # the opening paragraph has been seen

    def read(self, blocks: list[_Block]) -> None:
        for block in blocks:
            if block.kind == "row":
                continue
            lines = block.lines()
            if self.state is None and not any(self._label(line) for line in lines):
                self.paragraph(block.text(), block.line)
            else:
                for line in lines:
                    self.line(line, block.line)

    @staticmethod
    def _label(line: str) -> bool:
        return bool(_BRAND_LABEL.match(line) or _FDA_LABEL.match(line))

    def paragraph(self, text: str, line: int) -> None:
        text = _clean(text)
        if not text or _PLACEHOLDER.match(text):
            return
        if self.opened:
            urgency.pull_urgent(text, self.path, line, "a paragraph of the introduction after the first", self.record)
            return
        match = _PRONUNCIATION.match(text)
        if match and self.record.pronunciation is None:
            self.record.pronunciation = Item(squash(match.group(1)), self.path)
            return
        self.opened = True
        if not _BRIEF.match(text):
            self.record.how_it_works = Item(text, self.path)
        elif urgency.has_call_now(text):
            urgency.pull_urgent(text, self.path, line, "the page's note on what it holds", self.record)

    def line(self, line: str, number: int) -> None:
        if _BRAND_LABEL.match(line):
            self.state = "brands"
        elif _FDA_LABEL.match(line):
            self.state = "fda"
        elif self.state == "brands":
            name = _clean(line)
            if _not_a_brand(name):
                # A sentence (the DailyMed link line) means the page skipped "FDA Approved".
                self.state = "after"
                self.after(name, number)
            elif name not in self.record.brand_names:
                self.record.brands.append(BrandName(name, country=COUNTRY, source=self.path))
        elif self.state == "fda" and urgency.has_call_now(line):
            self.after(_clean(line), number)  # not the "Yes" / "No" answer: a call-now sentence
        elif self.state == "fda":
            self.state = "after"
            if _NO_LONGER.search(line):
                # "FDA Approved: No longer available in the U.S." - the US brands are off the market.
                for brand in self.record.brands:
                    brand.discontinued = True
        elif self.state is None:
            self.paragraph(line, number)
        else:
            self.after(_clean(line), number)

    def after(self, text: str, number: int) -> None:
        """A line after the brands and "FDA Approved" (the DailyMed link): reported, not read."""
        if text:
            urgency.pull_urgent(text, self.path, number, "a line after the brand names", self.record)


def _not_a_brand(name: str) -> bool:
    return not name or name.endswith(".") or len(name) > MAX_BRAND_LENGTH


class _UsesReader:
    """The "Use in Cancer" section: one Item per bullet, and per paragraph that names a bold condition."""

    def __init__(self, path: str):
        self.path = path
        self.items: list[Item] = []
        self.list_id: int | None = None
        self.lead_text = ""
        self.lead_condition: str | None = None
        self.conditions: dict[int, str | None] = {}  # nesting depth -> condition of the open item
        # What the bullets are for, from the paragraph that introduces them: "... to prevent:"
        # must not become a list of cancers the drug treats.
        self.purpose: str | None = None
        self.unread: list[tuple[int, str]] = []  # paragraphs that are neither a use nor a lead-in

    def read(self, blocks: list[_Block]) -> list[Item]:
        for block in blocks:
            if block.kind == "item":
                self.bullet(block)
            elif block.kind == "para" and _has_bold(block):
                self.add(block.text(), None)
            elif block.kind == "para":
                self.purpose = _purpose(block.text())
                text = _clean(block.text())
                if text and (urgency.has_call_now(text) or (self.purpose is None and not text.endswith(":"))):
                    self.unread.append((block.line, text))  # "... is also being studied in other cancers."
        return self.items

    def bullet(self, block: _Block) -> None:
        text = _clean(block.text())
        if not text:
            return
        if block.level > 1:  # a real nested list: its parent names the condition
            self.conditions[block.level] = _condition(block.inline)
            self.add(text, self.conditions.get(block.level - 1))
            return
        if block.list_id != self.list_id:
            self.list_id, self.lead_text, self.lead_condition = block.list_id, "", None
        if self.is_sub_point(block, text):
            self.add(text, self.lead_condition)
            return
        self.lead_text, self.lead_condition = text, _condition(block.inline)
        self.conditions = {1: self.lead_condition}
        self.add(text, None)

    def is_sub_point(self, block: _Block, text: str) -> bool:
        if not self.lead_text or _has_bold(block):
            return False
        return self.lead_text.endswith(":") or bool(_PRONOUN_START.match(text))

    def add(self, text: str, title: str | None) -> None:
        text = _clean(text)
        if text:
            self.items.append(Item(text, self.path, title=title or self.purpose))


def _purpose(lead: str) -> str | None:
    """A lead-in that changes what the uses below it mean."""
    if re.search(r"\bprevent", lead, re.IGNORECASE):
        return "To prevent and treat" if re.search(r"\btreat", lead, re.IGNORECASE) else "To prevent"
    if re.search(r"\bmay also be used\b", lead, re.IGNORECASE):
        return "May also be used for"
    return None

