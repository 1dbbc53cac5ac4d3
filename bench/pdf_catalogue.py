"""Benchmark: the Virksomhedscenterkatalog PDF of 500 company centres (DESIGN.md §7 target: < 3 s).

Generates 500 realistic centres (seeded random, Danish names and addresses,
1-3 contact persons and up to 8 mentors each) into a temporary database,
then times reading the catalogue data and rendering the PDF, and prints one
JSON line::

    {"benchmark": "pdf_centre_catalogue", "centres": 500, "seconds": 1.23, ...}

Run: ``.venv/bin/python -m bench.pdf_catalogue [--centres 500] [--seed 7] [--keep out.pdf]``.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.datagen import (
    FIRST,
    FIRST_NAMES,
    FORM,
    LAST_NAMES,
    MUNICIPALITIES,
    STREETS,
    TARGET_GROUPS,
    TOWNS,
    TRADE,
    WORK_AREAS,
    load_local,
    valid_cvr,
)

TITLES = ["Direktør", "Værkfører", "HR-konsulent", "Køkkenleder", "Indehaver", "Afdelingsleder", "Kontorchef"]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def centres(seed: int, count: int, team_id: str, consultants: list[str],
            today: date = date(2026, 11, 23)) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield wire records of ``count`` company centres with their contacts and mentors."""
    rng = random.Random(seed)
    # Distinct names without numbers in them: draw from every town x trade x form combination.
    names = [f"{a} {b} {c}".strip() for a in FIRST for b in TRADE for c in FORM]
    for name in rng.sample(names, count):
        cid = _uuid(rng)
        postcode, town = rng.choice(TOWNS)
        start = today - timedelta(days=rng.randint(30, 700))
        slug = name.lower().split()[0].replace("ø", "oe").replace("å", "aa").replace("æ", "ae")
        yield "company", cid, {
            "team_id": team_id, "name": name, "cvr": valid_cvr(rng),
            "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}", "postcode": postcode, "city": town,
            "municipality": MUNICIPALITIES[town], "industry": rng.choice(TRADE),
            "phone": " ".join(f"{rng.randint(10, 99)}" for _ in range(4)), "email": f"kontakt@{slug}.dk",
            "responsible_user_id": rng.choice(consultants), "is_centre": True,
            "centre_work_areas": ", ".join(rng.sample(WORK_AREAS, rng.randint(2, 4))).capitalize(),
            "centre_target_groups": ", ".join(rng.sample(TARGET_GROUPS, rng.randint(1, 3))).capitalize(),
            "centre_places": rng.randint(1, 8), "centre_visit_interval_days": rng.choice([14, 21, 21, 21, 28]),
            "centre_agreement_start": start.isoformat(),
            "centre_agreement_end": (start + timedelta(days=rng.choice([365, 730, 1095]))).isoformat(),
        }
        for _ in range(rng.randint(1, 3)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            yield "contact", _uuid(rng), {
                "team_id": team_id, "company_id": cid, "name": f"{first} {last}", "title": rng.choice(TITLES),
                "phone": " ".join(f"{rng.randint(10, 99)}" for _ in range(4)),
                "email": f"{first.lower()}.{last.lower()}@{slug}.dk".replace("ø", "oe").replace("å", "aa")
                .replace("æ", "ae"),
            }
        for _ in range(rng.randint(0, 8)):
            yield "mentor", _uuid(rng), {
                "team_id": team_id, "company_id": cid, "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                "title": "Mentor", "capacity": rng.randint(1, 3), "active": rng.random() < 0.9,
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centres", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="also copy the PDF here")
    args = parser.parse_args()

    from desktop.models import Database
    from desktop.reports import centre_catalogue_data, render_pdf
    from desktop.reports.layout import register_fonts

    consultants = [str(uuid.UUID(int=i + 1)) for i in range(12)]
    names = {c: f"{FIRST_NAMES[i]} {LAST_NAMES[i]}" for i, c in enumerate(consultants)}
    with tempfile.TemporaryDirectory() as folder:
        db = Database.in_folder(Path(folder))
        try:
            load_local(db, centres(args.seed, args.centres, str(uuid.UUID(int=99)), consultants))
            register_fonts()  # once per process in the app too; not part of a catalogue's time
            started = time.perf_counter()
            with db.read() as session:
                data = centre_catalogue_data(session, names=names, today=date(2026, 11, 23))
            read_done = time.perf_counter()
            target = Path(folder) / "katalog.pdf"
            render_pdf(data, target)
            finished = time.perf_counter()
            pages = target.read_bytes().count(b"/Type /Page\n")
            if args.keep:
                args.keep.write_bytes(target.read_bytes())
        finally:
            db.close()
    print(json.dumps({
        "benchmark": "pdf_centre_catalogue", "centres": len(data.centres), "seconds": round(finished - started, 3),
        "read_seconds": round(read_done - started, 3), "render_seconds": round(finished - read_done, 3),
        "pages": pages, "target_seconds": 3.0,
    }))


if __name__ == "__main__":
    main()
