"""Colours and their contrast, by the WCAG 2 formulas: a handout must be readable when printed grey."""

from __future__ import annotations

from tinycss2.color3 import parse_color

WHITE = (1.0, 1.0, 1.0)
# WCAG AA for normal text; the check warns below AAA (7:1).
MINIMUM = 4.5
COMFORTABLE = 7.0


def rgb(value: str) -> tuple[float, float, float] | None:
    """A CSS colour ("#0b4f6c", "navy", "rgb(1,2,3)") as 0-1 floats, or None if it is not an opaque colour."""
    color = parse_color(value) if isinstance(value, str) else None
    if color is None or isinstance(color, str) or color.alpha < 1:
        return None
    return (color.red, color.green, color.blue)


def _luminance(color: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(foreground: tuple[float, float, float], background: tuple[float, float, float]) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darkened(value: str, minimum: float = MINIMUM) -> str:
    """The colour ``value``, darkened just enough to reach ``minimum`` contrast on white, as #rrggbb:
    a suggestion of what to write that keeps the clinic's hue."""
    color = rgb(value) or (0.0, 0.0, 0.0)
    for step in range(100, -1, -1):
        scaled = tuple(c * step / 100 for c in color)
        hexed = "#" + "".join(f"{round(c * 255):02x}" for c in scaled)
        if ratio(rgb(hexed), WHITE) >= minimum:
            return hexed
    return "#000000"
