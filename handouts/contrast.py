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
