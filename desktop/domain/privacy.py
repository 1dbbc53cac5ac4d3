"""Personal data (GDPR): the erasure marker and how names, emails and phones are compared.

Shared by the server (export, erase, retention) and the app (which notices
pulled erasures and then scrubs its files), so both agree on the marker.
"""

from __future__ import annotations

import re
import unicodedata

# What erased or anonymised text is replaced by; also what a device looks for
# in pulled changes to know it must scrub its full-text index and WAL.
ERASED = "[slettet]"

_COMBINING = re.compile("[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")


def fold(value: str) -> str:
    """Case- and accent-insensitive form of a text (the same folding as the app's search index).

    æ→ae, ø and oe→o, å and aa→a, other accents dropped (é→e), lower case, so
    "Søren Ølgaard", "soeren olgard" and "SØREN ØLGÅRD" compare equal.
    """
    t = value.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    if not t.isascii():
        t = _COMBINING.sub("", unicodedata.normalize("NFKD", t)).lower()
        t = t.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    while "aa" in t or "oe" in t:
        t = t.replace("aa", "a").replace("oe", "o")
    return t


def fold_name(value: str) -> str:
    """A person's name folded, with runs of spaces collapsed (for equality)."""
    return _SPACES.sub(" ", fold(value)).strip()


def normalise_phone(value: str) -> str:
    """Digits only, without a Danish country prefix: "+45 98 76 54 32" → "98765432"."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) > 8 and digits.startswith("45"):
        digits = digits[2:]
    return digits
