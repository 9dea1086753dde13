"""Where `handouts check` finds each part of a page: by the element the templates print it in.

A part (the urgent block's heading, the other sections' headings, the "left out" note, the
footer) is the element with an id (or class) the templates give it; its words are the message
that element prints, read from the very template the page is made with (a brand's or the
workspace's override included), in the page's language through the same catalogue. So the
template is the one source of each part's words: a reworded or translated heading is found
without a change here. An override that leaves the element out is looked for by the built-in
template's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2

from .. import i18n
from ..errors import InputError
from ..rules import cuts


@dataclass(frozen=True)
class Role:
    name: str
    template: str
    element: str  # an attribute only that element carries, as the template writes it
    words: int = 4  # how many of its first words are looked for in the page's text
    # The message the element prints when it is not the template's to word: the "left out" note is
    # worded by the cut rules (rules/cuts.py), the one home of its words, not by _dropped.html.
    fixed: str = ""


# A phrase broken over two lines is not found among the glyphs (a line break prints no space):
# the English phrases are short enough for one line; a translation's words run longer, so no
# more than this many of them are looked for.
TRANSLATED_WORDS = 4

URGENT = Role("urgent heading", "_urgent.html", 'id="urgent-heading"', 6)
OTHERS = (Role("side effects heading", "_side_effects.html", 'id="common-heading"'),
          Role("reminders heading", "_reminders.html", 'id="reminders-heading"'),
          Role("how it works heading", "_how_it_works.html", 'id="how-heading"'),
          Role("left out note", "_dropped.html", 'id="{{ h.ids.dropped }}"', fixed=cuts.NOTE_START))
FOOTER = Role("footer", "_footer.html", 'id="{{ h.ids.footer }}"', 6)
# The packet's combined page: its emergency line, above every sign.
EMERGENCY_LINE = Role("emergency line", "packet_urgent.html", 'class="emergency combined-emergency"')

# The first message a template prints after an element's opening (before any closing tag).
_MESSAGE = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<message>.*?)(?<!\\)(?P=q)""", re.S)
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]+>", re.S)


@dataclass(frozen=True)
class Parts:
    """The phrases a handout's parts start with, as printed in its language."""

    urgent: str
    others: tuple[str, ...]
    footer: str


def parts(env: jinja2.Environment, language: i18n.Language | None) -> Parts:
    return Parts(phrase(env, URGENT, language), tuple(phrase(env, r, language) for r in OTHERS),
                 phrase(env, FOOTER, language))


def phrase(env: jinja2.Environment, role: Role, language: i18n.Language | None) -> str:
    """The first words of what ``role``'s element prints, in ``language``."""
    printed = i18n.words(language, message(env, role)).rstrip(":.")
    english = language is None or i18n.is_english(language.code)
    return " ".join(printed.split()[:role.words if english else min(role.words, TRANSLATED_WORDS)]).rstrip(",;:.")


def message(env: jinja2.Environment, role: Role) -> str:
    """The message ``role``'s element prints: in the template the page uses, else the built-in one."""
    if role.fixed:
        return role.fixed
    for name in (role.template, f"builtin/{role.template}"):
        try:
            source, _, _ = env.loader.get_source(env, name)
        except (jinja2.TemplateNotFound, InputError):
            continue
        found = _element_message(source, role.element)
        if found:
            return found
    return ""


def _element_message(source: str, element: str) -> str:
    at = source.find(element)
    if at < 0:
        return ""
    opened = source.find(">", at) + 1
    content = source[opened:source.find("</", opened) if "</" in source[opened:] else len(source)]
    found = _MESSAGE.search(content)
    # An override may print its words as they are, with no message.
    return found["message"] if found else " ".join(_TAG.sub(" ", content).split())
