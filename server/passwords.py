"""Which passwords the server accepts (NIST SP 800-63B, section 5.1.1.2).

* At least 8 characters (12 for an admin), counted as Unicode characters after
  NFKC normalisation; any character is allowed, spaces too, up to 200.
* Not on the list of common and breached passwords shipped with the server
  (``server/data/common-passwords.txt.gz``: the 20,000 most common passwords
  of public breach corpora, as Django ships them (BSD licence), those of 8 or
  more characters, plus Danish ones such as ``kodeord123`` and ``sommer2025``),
  compared without regard to case.
* Not one character repeated, not a plain run such as ``12345678`` or ``abcdefgh``.
* Not the username, nor the name of the service (``feltbog``, ``jobcenter``) with a few digits.

No composition rules (NIST advises against them). The reason is said in Danish.
"""

from __future__ import annotations

import functools
import gzip
import re
import unicodedata
from importlib import resources

MIN_LENGTH = 8
MIN_LENGTH_ADMIN = 12
_RUNS = ("0123456789", "abcdefghijklmnopqrstuvwxyzæøå", "qwertyuiopåasdfghjklæøzxcvbnm")
_SERVICE = re.compile(r"^(feltbog|jobcenter|kommune|admin|administrator)[\d\W_]*$")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased."""
    data = resources.files("server").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(data).decode("utf-8").splitlines() if line)


def _is_run(text: str) -> bool:
    return len(set(text)) == 1 or any(text in run or text in run[::-1] for run in _RUNS)


def password_problem(password: str, username: str = "", role: str = "consultant") -> str | None:
    """Why ``password`` is refused (a Danish sentence), or None when it may be used."""
    text = unicodedata.normalize("NFKC", password)
    minimum = MIN_LENGTH_ADMIN if role == "admin" else MIN_LENGTH
    if len(text) < minimum:
        who = "en administrator" if role == "admin" else "en bruger"
        return f"Adgangskoden skal være mindst {minimum} tegn for {who}."
    folded = text.lower()
    bare = folded.strip()
    name = unicodedata.normalize("NFKC", username).lower().strip()
    if name and (bare == name or (len(name) >= 4 and name in folded)):
        return "Adgangskoden må ikke være eller indeholde brugernavnet."
    if _is_run(bare) or len(set(bare)) <= 2:
        return "Adgangskoden må ikke være det samme tegn gentaget eller en simpel række som 12345678."
    if bare in common_passwords() or _SERVICE.match(bare):
        return ("Adgangskoden er for almindelig: den står på listen over kendte og lækkede adgangskoder. "
                "Vælg en længere sætning, som kun du kender.")
    return None
