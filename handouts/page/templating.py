"""HTML for a handout, from Jinja2 templates that a brand or workspace can override one file at a time.

Templates resolve brand folder -> workspace templates/ -> built-in, as theme engines
do; ``builtin/NAME`` always reaches the built-in file, so an override can extend it
and replace a single block. Autoescaping is always on: source text is untrusted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from .. import assets, i18n
from ..errors import InputError
from ..rules import cuts
from ..workspace.brand import Brand
from . import qr, sandbox
from .content import Cuts, Handout, percent_words

# Type sizes in points at full scale; the fitter scales them down together.
BODY_PT = 12.0
URGENT_PT = 13.0  # styles/handout.css: .urgent is 1.0833rem, 13/12 of the body
# Floors the issue sets for legibility: body never under 10 pt, urgent items never under 11 pt.
MIN_SCALE = max(10.0 / BODY_PT, 11.0 / URGENT_PT)

TEMPLATE = "handout.html"


def environment(root: Path, brand: Brand, language: i18n.Language | None = None) -> jinja2.Environment:
    builtin = _FolderLoader(assets.templates_dir())
    chain = [_FolderLoader(brand.folder)] if brand.folder else []
    chain.append(_FolderLoader(root / "templates"))
    chain.append(builtin)
    # Sandboxed, with plain data only (see sandbox.py): a brand folder's templates come from
    # whoever set up the brand, and must not reach files or processes through expressions.
    env = sandbox.Environment(
        loader=jinja2.ChoiceLoader([jinja2.PrefixLoader({"builtin": builtin}), *chain]),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    add_language(env, language or i18n.language())
    return env


def add_language(env: jinja2.Environment, language: i18n.Language) -> None:
    """The catalogue's words, and dates, numbers and lists the language's way."""
    env.install_language(language)
    env.globals["html_lang"] = language.tag
    env.filters["often"] = lambda frequency: percent_words(frequency, language)
    env.filters["longdate"] = language.date
    env.filters["number"] = language.number
    env.filters["any_of"] = language.any_of
    env.filters["all_of"] = language.all_of
    env.filters["translated"] = lambda messages: [language.gettext(m) for m in messages]
    env.filters["mentions_fever"] = language.mentions_fever
    env.filters["left_out_note"] = lambda items, full_list: left_out_note(items, full_list, language)


def left_out_note(items: list, full_list: bool, language: i18n.Language) -> Markup:
    """The "Not on this page" note, worded by cuts.note as the fitter counts it: the catalogue's
    words as they are, the numbers and topics filled in escaped (as Jinja's ``_()`` fills them)."""
    left = [cuts.LeftOut(i["what"], i["gone"], i["total"], tuple(i["topics"])) for i in items]
    return Markup(cuts.note(left, language.gettext, bool(full_list), quote=escape))


class _FolderLoader(jinja2.FileSystemLoader):
    """Templates from one folder, never through a link to a file outside it: an override
    linked to /etc/passwd and included would print the file."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.folder = folder

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self.folder.resolve()):
            raise InputError(filename, "a link to a file outside its folder: templates cannot read other files")
        return source, filename, uptodate


class _BuiltinTemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's per-user cache of compiled templates, for the built-in templates, never failing a build.

    Jinja keys compiled code by template name, path and source, but the code also depends on the
    environment's settings (autoescaping, the sandbox's code generator): the file names here add
    a digest of this module, of sandbox.py and of Jinja's version, so changed settings never run old code. Workspace and brand
    overrides are compiled every time: they come and go by the thousand in tests and would only
    fill the folder. A cache file that cannot be read or written only costs a compile."""

    def __init__(self):
        code = Path(__file__).read_bytes() + Path(sandbox.__file__).read_bytes()
        digest = hashlib.sha256(code + jinja2.__version__.encode()).hexdigest()[:16]
        super().__init__(pattern=f"handouts-{digest}-%s.cache")
        self.builtin = assets.templates_dir().resolve()

    def get_bucket(self, environment, name, filename, source):
        if filename and Path(filename).resolve().is_relative_to(self.builtin):
            return super().get_bucket(environment, name, filename, source)
        return _Uncached(environment, "", "")

    def set_bucket(self, bucket) -> None:
        if not isinstance(bucket, _Uncached):
            super().set_bucket(bucket)

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file fails in pickle or marshal, whatever the damage
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


class _Uncached(jinja2.bccache.Bucket):
    """A template compiled afresh and kept nowhere."""


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiling the templates is most of a one-handout build's own time."""
    try:
        return _BuiltinTemplateCache()
    except (OSError, RuntimeError):  # no private temp folder to be had: compile every time
        return None


def render(env: jinja2.Environment, handout: Handout, brand: Brand, cuts: Cuts, paper: str) -> str:
    """The handout page's HTML. The environment's templates turn every value into plain data
    (sandbox.plain) and any failure into a BuildError naming the template and line."""
    return env.get_template(TEMPLATE).render(
        h=handout,
        brand=brand,
        paper=paper,
        body_pt=round(BODY_PT * cuts.scale, 2),
        qr_image=qr.data_uri(handout.link.url) if handout.link else None,
    )
