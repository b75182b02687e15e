"""Long text stored zlib-compressed (binary): DynamoDB charges a write unit per KB of the whole item, so a letter's or
an email's body, rewritten with every move of its item, costs about half as much packed. Items written before
packing hold plain text, and read back as they are."""

from __future__ import annotations

import zlib
from typing import Any


def packed(text: str) -> bytes:
    return zlib.compress(text.encode(), 9)


def unpacked(value: Any) -> str:
    """The text, whether stored packed (bytes or boto3's Binary) or as plain text."""
    return value if isinstance(value, str) else zlib.decompress(bytes(value)).decode()
