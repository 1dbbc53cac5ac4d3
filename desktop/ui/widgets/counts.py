"""Counted nouns in the UI: "1 række", "2 rækker" instead of "række(r)".

Danish and English both use the singular for exactly one and the plural
otherwise (0, 2, 1.000), so two translated strings cover both languages::

    counted(n, tr("1 row"), tr("%1 rows"))                     # "1 række" / "5 rækker"

The strings stay literal ``tr("...")`` calls, so scripts/translations.sh finds them.
"""

from __future__ import annotations


def counted(number: int, one: str, many: str, shown: str = "") -> str:
    """``one`` when ``number`` is 1, else ``many`` with ``%1`` replaced by ``shown`` (or the number)."""
    return (one if number == 1 else many).replace("%1", shown or str(number))
