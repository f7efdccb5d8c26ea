"""Text that users and authors write: plain-text cleaning, and Markdown rendered then sanitised.

This is the only module that imports markdown and bleach.
"""

import re
import unicodedata

# Zero-width characters and bidirectional controls can hide or reorder text
# ("Trojan Source"); they have no place in names or titles.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def clean_line(text: str) -> str:
    """One line of plain text (a name, a title): NFC, no control or invisible characters."""
    text = unicodedata.normalize("NFC", text or "")
    text = _INVISIBLE.sub("", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == " ")
    return " ".join(text.split())


def clean_block(text: str) -> str:
    """Multi-line plain text (a post's source): keep newlines and tabs, drop other controls."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )
