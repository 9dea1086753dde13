"""The build options: one documented table that both the command line and the Python API use.

Each field's metadata is its command-line help; ``cli.build_options`` turns the
table into click options, so the two can never drift apart.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..errors import InputError
from ..workspace.brand import PAPERS


@dataclass(frozen=True)
class BuildOptions:
    output: Path | None = field(
        default=None,
        metadata={"flags": ("-o", "--output"), "type": "path",
                  "help": "Folder the PDFs are written to, or a file name ending in .pdf for a packet or a "
                          "single handout [default: out/ in the workspace]."},
    )
    paper: str = field(
        default="",
        metadata={"flags": ("--paper",), "choices": PAPERS,
                  "help": "Paper size: letter or a4 [default: the brand's, else letter]."},
    )
    brand: str | None = field(
        default=None,
        metadata={"flags": ("--brand",), "help": "Brand under styles/brands/ [default: the workspace's, else 'default']."},
    )
    date: dt.date | None = field(
        default=None,
        metadata={"flags": ("--date",), "type": "date",
                  "help": "Date printed as the day the handout was made (YYYY-MM-DD) [default: "
                          "SOURCE_DATE_EPOCH's day when set, for reproducible builds, else today]."},
    )
    jobs: int = field(
        default=0,
        metadata={"flags": ("-j", "--jobs"), "type": "int",
                  "help": "Worker processes for building many handouts [default: the number of cores]."},
    )
    force: bool = field(
        default=False,
        metadata={"flags": ("--force",), "is_flag": True,
                  "help": "Rebuild every handout, even those whose inputs are unchanged."},
    )
    lang: str = field(
        default="",
        metadata={"flags": ("--lang",),
                  "help": "Language of the handouts, e.g. es: each drug's record in that language, the page's "
                          "words from locale/ [default: the workspace's lang, else en]."},
    )
    strict: bool = field(
        default=False,
        metadata={"flags": ("--strict",), "is_flag": True,
                  "help": "Treat WeasyPrint warnings (missing font, bad CSS, missing image) as errors."},
    )


def made_date(options: BuildOptions) -> dt.date:
    """The "made" date printed on a handout: --date, else the day of SOURCE_DATE_EPOCH (UTC; the
    reproducible-builds convention), else today."""
    if options.date:
        return options.date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(None, f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {epoch!r}") from None
    return dt.date.today()


def output_file(options: BuildOptions) -> Path | None:
    """The file ``-o`` names when it ends in .pdf (a packet, or one handout); None for a folder."""
    output = options.output
    if output is None or output.suffix.lower() != ".pdf":
        return None
    if output.is_dir():
        # What "-o x.pdf" made before it named a file: never write into it, never replace it.
        raise InputError(output, "is a folder: give -o a file name ending in .pdf, or the folder itself without .pdf")
    return output


def option_table() -> list[tuple[str, object, dict]]:
    """(name, default, metadata) for each build option, in declaration order."""
    return [(f.name, f.default, dict(f.metadata)) for f in fields(BuildOptions)]
