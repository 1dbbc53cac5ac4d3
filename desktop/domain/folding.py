"""One way to fold Danish text for comparing and searching, shared by the app and the server.

Danes without a Danish keyboard type "tomrer" or "toemrer" for "tømrer" and
"aagade" for "Ågade". ``fold`` maps all of them to one spelling: the app's
search index stores folded text and folds what is typed, and the server's
personal-data search folds names the same way, so both find the same people.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile("[\u0300-\u036f]")


def _danish(t: str) -> str:
    # Chained str.replace runs in C over the whole string; str.translate with a
    # dict calls back per character and was most of the cost of indexing a note.
    return t.replace("æ", "ae").replace("ø", "o").replace("å", "a")


def fold(value: str) -> str:
    """Fold Danish letters and their keyboard-less spellings to one lower-case form.

    æ→ae, ø and oe→o, å and aa→a, other accents dropped (é→e), so "Søren
    Ølgaard", "soeren olgard" and "SØREN ØLGÅRD" fold alike. Runs on every
    indexed note, so the common all-ASCII case skips Unicode normalisation.
    """
    t = _danish(value.lower())
    if not t.isascii():
        t = _danish(_COMBINING.sub("", unicodedata.normalize("NFKD", t)).lower())
    while "aa" in t or "oe" in t:  # until none is left, so folding twice changes nothing
        t = t.replace("aa", "a").replace("oe", "o")
    return t
