"""A clinic's identity on the page: name, numbers, colours and the rules it prints by.

Only the neutral default exists so far; it prints blank lines where a clinic writes its
numbers by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Brand:
    name: str = "default"
    clinic: str | None = None
    department: str | None = None
    address: str | None = None
    phone_day: str | None = None
    phone_after_hours: str | None = None
    emergency: str = "In an emergency, call 911 or go to the nearest emergency room."
    website: str | None = None
    logo: Path | None = None
    primary: str = "#1d3557"
    accent: str = "#b3261e"
    font: str | None = None
    fever_f: float | None = None
    fever_c: float | None = None
    footer: str | None = None
    paper: str = "letter"
    folder: Path | None = None  # styles/brands/<name>/, for brand.css and template overrides

    @property
    def write_in_numbers(self) -> bool:
        """The neutral brand prints lines to write the care team's numbers on by hand."""
        return self.phone_day is None

    @property
    def css(self) -> Path | None:
        path = self.folder / "brand.css" if self.folder else None
        return path if path and path.is_file() else None


DEFAULT = Brand()
