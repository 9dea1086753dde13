"""Every bar `handouts check` measures a figure against, in one table: handout_check.py and
packet_check.py take their floors, ceilings and printed "bar: ..." texts from here, none inline.

A ``Bar`` is a floor (``least``: a figure below it falls short) or a ceiling (a figure above it
does). Past ``fail`` the figure fails; past ``warn`` it warns, "to pass clean". Either may be
None: a source's reading grade only ever warns. ``slack``: how close to a bar a reading still
meets it. ``text`` is what the report prints as "bar: ...", formatted with the bar as ``b`` (so
the printed number is the one the check compares with), and with any figure-made values.

Changing a number here changes the check's verdicts and its printed bars; the README's
"Checking handouts" states the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..workspace import contrast

PASS, WARN, FAIL = "pass", "warn", "fail"


@dataclass(frozen=True)
class Bar:
    fail: float | None
    warn: float | None = None
    least: bool = True  # a floor: lower is worse; False for a ceiling (a reading grade)
    unit: str = ""
    slack: float = 0.0
    text: str = ""

    def status(self, value: float) -> str:
        if self.fail is not None and self._short(value, self.fail):
            return FAIL
        if self.warn is not None and self._short(value, self.warn):
            return WARN
        return PASS

    def meets(self, value: float) -> bool:
        """Not past the fail bar (a warning still meets it)."""
        return self.status(value) != FAIL

    def shown(self, **values) -> str:
        return self.text.format(b=self, **values)

    @property
    def floor(self) -> str:
        """The bar as a bare comparison (">= 11 pt"): for a figure with nothing to measure, or one
        that has no clean bar to print."""
        bar = self.fail if self.fail is not None else self.warn
        return f"{'>=' if self.least else '<='} {bar:g} {self.unit}".rstrip()

    @property
    def inches(self) -> float:
        return (self.fail or 0.0) / 72

    def _short(self, value: float, bar: float) -> bool:
        return value < bar - self.slack if self.least else value > bar + self.slack


# A handout is one page.
PAGES = 1
PAGES_TEXT = f"exactly {PAGES}"

# A size read back from a PDF is rounded (a 10 pt font can read as 9.96 pt): this close is on the bar.
SIZE_SLACK_PT = 0.05
# Type: the FDA Medication Guide minimum (10 pt) for every printed character; urgent signs a
# point larger; 12 pt, the page's own body size, passes clean. The fitter's floors
# (page/templating.py MIN_SCALE) are the same 10 and 11 pt.
FDA_MINIMUM_PT = 10.0
URGENT_TYPE = Bar(11.0, 12.0, unit="pt", slack=SIZE_SLACK_PT, text=">= {b.fail:g} pt ({b.warn:g} pt to pass clean)")
BODY_TYPE = Bar(FDA_MINIMUM_PT, 12.0, unit="pt", slack=SIZE_SLACK_PT, text=">= {b.fail:g} pt ({b.warn:g} pt to pass clean)")
SMALLEST_GLYPH = Bar(FDA_MINIMUM_PT, unit="pt", slack=SIZE_SLACK_PT, text=">= {b.fail:g} pt, every character on the page")
# The packet's combined page: the same floors, no clean bar (packet.css sets its type, no fitter).
PACKET_URGENT_TYPE = Bar(URGENT_TYPE.fail, unit="pt", slack=SIZE_SLACK_PT, text=URGENT_TYPE.floor)
PACKET_MARKS_TYPE = Bar(BODY_TYPE.fail, unit="pt", slack=SIZE_SLACK_PT, text=BODY_TYPE.floor)

# Office printers cannot print the outer quarter inch of the paper: the distance of each glyph
# box from every edge. The packet measures words, boxes, lines and images, whose boxes pdfplumber
# rounds: half a point closer still passes.
PRINTABLE = Bar(18.0, unit="pt", text="none within {b.fail:g} pt of an edge (nor off the paper)")
PRINTABLE_VALUE = "{count} glyphs within {b.fail:g} pt of an edge"
PACKET_PRINTABLE = Bar(PRINTABLE.fail, unit="pt", slack=0.5, text="everything {b.inches:.2g} in or more from the edges")

# Contrast of the brand's colours: WCAG AA fails, below AAA warns (workspace/contrast.py, which
# brand.toml's validation uses too).
CONTRAST = Bar(contrast.MINIMUM, contrast.COMFORTABLE, unit=":1", text=">= {b.fail}:1 ({b.warn:g}:1 to pass clean)")

# Reading grade: Flesch-Kincaid for English, a ceiling; the source's text only warns, the
# templates' own words (read on every handout) fail.
SOURCE_GRADE = Bar(None, 8.0, least=False, text="<= {b.warn:g} (source text)")
TEMPLATE_GRADE = Bar(6.0, least=False, text="<= {b.fail:g}")
# Fernández-Huerta's reading ease for Spanish, a floor: 70 to 80 is "fairly easy" (about grade 6),
# 60 to 70 "normal" (grades 7 and 8), so the bars match the English ones.
SPANISH_SOURCE_EASE = Bar(None, 60.0, text=">= {b.warn:g}")
SPANISH_TEMPLATE_EASE = Bar(70.0, text=">= {b.fail:g}")
# A template with fewer words than this is a few labels, too short for a reading grade to mean much.
GRADED_WORDS = 8

# Fitting: type at 99.5% of full size or more is full size; room left above the footer, with
# content left out, of one body line (of the page's type) or more is worth laying each item out
# again to see whether it fits.
FULL_SIZE_SCALE = 0.995
FULL_SIZE_TEXT = "everything at full size"
EMPTY_SPACE = Bar(None, 1.0, least=False, unit="body line",
                  text="< one body line ({line:.1f} pt), or nothing left out fits in it")
