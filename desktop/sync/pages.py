"""Pull pages one ahead: the next page downloads while this one is applied.

A first sync is a loop of "the server builds a page, the laptop applies it".
Run one after the other, each side waits for the other; with the next
request already in flight the server's work (and the network) overlaps the
local write, which is most of the difference between a first sync that
keeps up with the server and one that does not. Only one page is ever
ahead, so memory stays at two pages, and a crash loses at most the page
in flight (the cursor is saved only with an applied page).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from desktop.sync.client import SyncClient

MAX_PAGES = 1_000_000  # bounded: the server says has_more=false long before


def pages_after(client: SyncClient, since: int, limit: int,
                first: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Yield pull pages after ``since`` in order, fetching the next while the caller works.

    ``first``, when given, is the page after ``since`` already at hand (the
    summary brought it); the rest are fetched as usual. The client is used by
    one thread at a time (the fetching one); errors of a fetch are raised
    here, in the caller's thread, when that page is due.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="feltbog-pull") as pool:
        page = first if first is not None else pool.submit(client.pull, since, limit).result()
        for _ in range(MAX_PAGES):
            more = bool(page.get("has_more"))
            if more:
                ahead = pool.submit(client.pull, int(page.get("cursor", since)), limit)
            yield page
            if not more:
                return
            page = ahead.result()
