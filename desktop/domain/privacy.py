"""Personal data (GDPR): the erasure marker and how names, emails and phones are compared.

Shared by the server (export, erase, retention) and the app (which notices
pulled erasures and then scrubs its files), so both agree on the marker.
"""

from __future__ import annotations

import re

from desktop.domain.folding import fold

# What erased or anonymised text is replaced by; also what a device looks for
# in pulled changes to know it must scrub its full-text index and WAL.
ERASED = "[slettet]"

_SPACES = re.compile(r"\s+")


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
