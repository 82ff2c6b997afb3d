"""File names: the kinds their suffixes stand for, and a name made safe to give back in a header."""

from __future__ import annotations

import unicodedata
from pathlib import Path

# What each accepted suffix stands for: stored names keep it, downloads are typed by it.

SAFE_SUFFIXES = {
    ".pdf": "pdf",
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".png": "png",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".ofd": "ofd",
}


BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_filename(name: str, fallback: str = "download") -> str:
    """The last path part, without control characters (bidirectional overrides such as U+202E,
    which would show ``invoice‮fdp.exe`` as ``invoiceexe.pdf``, included), quotes or separators;
    at most 150 characters."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join(c for c in name if c not in BIDI_CONTROLS)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*;')
    name = name.strip(" .")
    if not name:
        return fallback
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 8:
        return stem[:140] + "." + ext if stem else name[:150]
    return name[:150]


def kind_of_name(name: str) -> str | None:
    return SAFE_SUFFIXES.get(Path(name or "").suffix.lower())
