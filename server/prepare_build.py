"""Build one prepared first sync (run by :mod:`server.prepared` in a child process).

``python -m server.prepare_build --teams T1,T2 --out FILE`` reads the teams'
pull pages from the server database named by ``FELTBOG_SERVER_DB`` in one
snapshot, exactly as a laptop's first sync would receive them, applies them
with the app's own code (:func:`desktop.models.replica.prepared.build`) into
a new laptop database at ``FILE`` and prints ``{"cursor", "records",
"schema"}`` as one line of JSON.

This is the one place the server runs the app's storage code (the import
contract names it): a copy must be what the app itself would have written.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection

from desktop.domain.protocol import PULL_MAX_LIMIT
from desktop.models.db import head_revision
from desktop.models.replica.prepared import build
from server.db import make_engine
from server.pull import pull_page, snapshot


def pages(conn: Connection, teams: list[str], last: list[int]) -> Iterator[list[dict[str, Any]]]:
    """The pull pages from cursor 0, as the laptop gets them; ``last[0]`` follows the cursor."""
    since = 0
    while True:
        page = orjson.loads(pull_page(conn, teams, since, PULL_MAX_LIMIT))
        since = last[0] = int(page["cursor"])
        yield page["changes"]
        if not page["has_more"]:
            return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", required=True, help="the team ids, comma-separated")
    parser.add_argument("--out", required=True, type=Path, help="the new database file")
    args = parser.parse_args()
    teams = sorted(t for t in args.teams.split(",") if t)
    engine = make_engine(os.environ["FELTBOG_SERVER_DB"], pool_size=1, max_overflow=0)
    last = [0]
    try:
        with snapshot(engine) as conn:
            records = build(args.out, pages(conn, teams, last))
    finally:
        engine.dispose()
    print(json.dumps({"cursor": last[0], "records": records, "schema": head_revision()}), flush=True)


if __name__ == "__main__":
    main()
