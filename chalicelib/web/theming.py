"""A partner's look for the embedded form: an accent colour and the button's text, from the embed's data-
attributes (embed.js passes them as ?accent= and ?button=). Each is used only if safe and readable; otherwise
the form keeps its own."""

from __future__ import annotations

import re

HEX = re.compile(r"#[0-9a-fA-F]{6}")
MAX_BUTTON = 40
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for the button's white text on the accent


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def theme(accent: str, button: str) -> dict[str, str]:
    """{"accent", "button"}: the accent if a #rrggbb on which white text stays readable, the button text if one
    short line of plain text; "" for either otherwise."""
    accent = accent.strip()
    if not (HEX.fullmatch(accent) and contrast_with_white(accent) >= MIN_CONTRAST):
        accent = ""
    button = " ".join(button.split())
    if len(button) > MAX_BUTTON or any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in button):
        button = ""
    return {"accent": accent.lower(), "button": button}
