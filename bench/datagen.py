"""Realistic, reproducible data for a Danish job centre (for benchmarks and demos).

Company names and addresses from Danish word lists, CVR numbers that pass the
modulus-11 check, company centres with agreements, mentors, visits with note
bodies of 200-2,000 characters of Danish text, openings and follow-ups.
Everything comes from one seeded ``random.Random``: the same seed gives the
same data.

``records(...)`` yields wire-form records ``(entity, id, fields)`` in an order
that respects references (companies before their visits); ``load_local``
writes them straight into a local database the fast way.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # desktop is imported only where a function needs it
    from desktop.models import Database
    from desktop.sync.client import SyncClient

FIRST = ["Jammerbugt", "Vesthimmerland", "Aars", "Farsø", "Løgstør", "Brovst", "Fjerritslev", "Aabybro",
         "Pandrup", "Hals", "Nibe", "Støvring", "Hobro", "Skørping", "Ålborg", "Thisted", "Års", "Blokhus"]
TRADE = ["Tømrer", "Rengøring", "Maskinfabrik", "VVS", "Auto", "Bageri", "Slagteri", "Gartneri", "Transport",
         "El-service", "Malerfirma", "Smedie", "Plejecenter", "Købmand", "Kro", "Byggemarked", "Vognmand",
         "Landbrug", "Savværk", "Møbelsnedker", "Murer", "Fiskeindustri", "Catering", "Grafisk"]
FORM = ["ApS", "A/S", "I/S", "& Søn", "v/ Hansen", "Holding ApS", ""]
STREETS = ["Ågade", "Østergade", "Vestergade", "Søndergade", "Nørregade", "Hobrovej", "Aalborgvej",
           "Industrivej", "Fabriksvej", "Møllevej", "Kirkevej", "Skolevej", "Stationsvej", "Havnevej"]
TOWNS = [("9460", "Brovst"), ("9690", "Fjerritslev"), ("9440", "Aabybro"), ("9490", "Pandrup"),
         ("9600", "Aars"), ("9640", "Farsø"), ("9670", "Løgstør"), ("9620", "Aalestrup"), ("9480", "Løkken")]
MUNICIPALITIES = {"Brovst": "Jammerbugt", "Fjerritslev": "Jammerbugt", "Aabybro": "Jammerbugt",
                  "Pandrup": "Jammerbugt", "Løkken": "Hjørring", "Aars": "Vesthimmerland",
                  "Farsø": "Vesthimmerland", "Løgstør": "Vesthimmerland", "Aalestrup": "Vesthimmerland"}
FIRST_NAMES = ["Mette", "Jens", "Hanne", "Søren", "Anne", "Lars", "Birgitte", "Jørgen", "Åse", "Niels",
               "Lone", "Mads", "Pia", "Bjørn", "Karen", "Ole", "Signe", "Torben"]
LAST_NAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Sørensen", "Møller",
              "Østergaard", "Kjær", "Læsø", "Bødker", "Frølund", "Mikkelsen"]
WORDS = tuple(
    (
        "virksomheden har brug for hænder til rengøring og pakning medarbejderne er faglærte og bruger "
        "tid på opgaver som kunne løses af en borger i praktik vi aftalte et møde med værkføreren om "
        "småjob på otte timer om ugen med opfølgning efter seks uger borgeren kan starte med skånehensyn "
        "og en mentor følger forløbet tæt lageret mangler folk i højsæsonen ledelsen er positiv over for "
        "løntilskud og fleksjob kantinen ønsker en medhjælper køkkenet har faste rutiner og god tone der "
        "er behov for truckcertifikat og sikkerhedskursus værkstedet tilbyder oplæring i svejsning og "
        "montage aftale om virksomhedspraktik i tre måneder med mulighed for ordinære timer "
    ).split()
)
WORK_AREAS = ["rengøring", "lager og logistik", "køkken og kantine", "produktion", "grønne områder",
              "butik", "pleje og omsorg", "værksted", "administration", "pakning"]
TARGET_GROUPS = ["aktivitetsparate", "jobparate", "sygedagpengemodtagere", "unge under 30",
                 "flygtninge og indvandrere", "ledighedsydelse", "ressourceforløb"]
OPENING_KINDS = ["smaajob", "virksomhedspraktik", "loentilskud", "fleksjob", "igu", "ordinary",
                 "voksenlaerling"]


def valid_cvr(rng: random.Random) -> str:
    """A random 8-digit CVR number that passes the modulus-11 check."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        check = (-sum(d * w for d, w in zip(digits, weights, strict=True))) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def danish_text(rng: random.Random, min_chars: int, max_chars: int) -> str:
    """Danish-looking prose of a length between the bounds."""
    target = rng.randint(min_chars, max_chars)
    out: list[str] = []
    length = 0
    while length < target:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
        sentence = sentence[0].upper() + sentence[1:] + "."
        out.append(sentence)
        length += len(sentence) + 1
    return " ".join(out)[:target]


@dataclass(frozen=True)
class Sizes:
    """How much to generate."""

    companies: int = 1_000
    visits: int = 2_000
    centre_share: float = 0.05
    mentors_per_centre: int = 8
    contacts_per_company: float = 0.0  # e.g. 0.5: every other company has a named contact person
    openings: int = 500
    follow_ups: int = 500


def _random_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _ordered_ids(rng: random.Random) -> Callable[[random.Random], str]:
    """Ids as the app makes them since it has time-ordered ids (version 7), one millisecond apart, seeded.

    Each still draws the 128 bits a random id draws from the data's own generator, so the rest of the
    data comes out exactly as with random ids."""
    clock = iter(range(1_764_547_200_000, 2**48))  # milliseconds from 2025-12-01, one per id

    def make(data_rng: random.Random) -> str:
        random_bits = data_rng.getrandbits(128) ^ rng.getrandbits(128)
        # RFC 9562: 48 bits of time, version 7, 12 random bits, variant 0b10, 62 random bits.
        value = (next(clock) << 80) | (0x7 << 76) | ((random_bits >> 64) & 0xFFF) << 64 | (0b10 << 62) \
            | (random_bits & ((1 << 62) - 1))
        return str(uuid.UUID(int=value))

    return make


def records(
    seed: int, sizes: Sizes, team_id: str, consultants: list[str], today: date = date(2026, 11, 23),
    ordered_ids: bool = False,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield ``(entity, id, wire_fields)`` for a whole job centre, parents first.

    ``ordered_ids``: time-ordered ids, as a team that started with this version of the app has; by default
    random ones (version 4), as records made before it have."""
    rng = random.Random(seed)
    make_id = _ordered_ids(random.Random(seed + 1)) if ordered_ids else _random_id
    companies: list[tuple[str, bool]] = []
    used_cvr: set[str] = set()
    for n in range(sizes.companies):
        cid = make_id(rng)
        postcode, town = rng.choice(TOWNS)
        is_centre = rng.random() < sizes.centre_share
        cvr = valid_cvr(rng)
        while cvr in used_cvr:
            cvr = valid_cvr(rng)
        used_cvr.add(cvr)
        fields: dict[str, Any] = {
            "team_id": team_id,
            "name": f"{rng.choice(FIRST)} {rng.choice(TRADE)} {rng.choice(FORM)}".strip() + f" {n}",
            "cvr": cvr,
            "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            "postcode": postcode,
            "city": town,
            "municipality": MUNICIPALITIES[town],
            "industry": rng.choice(TRADE),
            "phone": f"{rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "email": f"kontakt{n}@firma{n}.dk",
            "responsible_user_id": rng.choice(consultants),
            "is_centre": is_centre,
        }
        if is_centre:
            start = today - timedelta(days=rng.randint(30, 700))
            fields.update(
                centre_work_areas=", ".join(rng.sample(WORK_AREAS, 3)),
                centre_target_groups=", ".join(rng.sample(TARGET_GROUPS, 2)),
                centre_places=rng.randint(2, 12),
                centre_visit_interval_days=21,
                centre_agreement_start=start.isoformat(),
                centre_agreement_end=(start + timedelta(days=730)).isoformat(),
            )
        companies.append((cid, is_centre))
        yield "company", cid, fields
        if rng.random() < sizes.contacts_per_company:
            yield "contact", make_id(rng), {
                "team_id": team_id, "company_id": cid, "name": _person(rng),
                "title": rng.choice(["Direktør", "Værkfører", "HR-konsulent", "Indehaver", "Køkkenchef"]),
                "phone": f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                "email": f"kontakt{n}@firma{n}.dk",
            }
        if is_centre:
            for _ in range(sizes.mentors_per_centre):
                yield "mentor", make_id(rng), {
                    "team_id": team_id, "company_id": cid, "name": _person(rng), "title": "Mentor",
                    "trained_on": (today - timedelta(days=rng.randint(10, 2000))).isoformat(),
                    "capacity": rng.randint(1, 3), "active": rng.random() < 0.9,
                }
    visit_ids: list[tuple[str, str]] = []
    for _ in range(sizes.visits):
        vid = make_id(rng)
        cid, _ = rng.choice(companies)
        visited = today - timedelta(days=rng.randint(0, 900))
        visit_ids.append((vid, cid))
        yield "visit", vid, {
            "team_id": team_id, "company_id": cid, "consultant_id": rng.choice(consultants),
            "visited_at": visited.isoformat(),
            "kind": rng.choice(["first_contact", "follow_up", "centre_visit", "phone"]),
            "participants": f"{_person(rng)}, {_person(rng)}",
            "body": danish_text(rng, 200, 2_000),
            "needs": danish_text(rng, 40, 200),
            "next_step": danish_text(rng, 20, 100),
            "status": rng.choice(["draft", "ready", "ready"]),
        }
    for _ in range(sizes.openings):
        vid, cid = rng.choice(visit_ids) if visit_ids else (None, rng.choice(companies)[0])
        yield "opening", make_id(rng), {
            "team_id": team_id, "company_id": cid, "visit_id": vid,
            "title": f"{rng.choice(WORK_AREAS).capitalize()} hos {rng.choice(FIRST)}",
            "job_functions": danish_text(rng, 40, 200), "kind": rng.choice(OPENING_KINDS),
            "hours_per_week": rng.choice([8, 10, 15, 20, 37]), "duration_weeks": rng.choice([None, 8, 13, 26]),
            "starts_on": (today + timedelta(days=rng.randint(-200, 60))).isoformat(),
            "places": rng.randint(1, 3), "status": rng.choice(["open", "in_dialogue", "filled", "closed"]),
        }
    for _ in range(sizes.follow_ups):
        cid, _ = rng.choice(companies)
        yield "follow_up", make_id(rng), {
            "team_id": team_id, "due_on": (today + timedelta(days=rng.randint(-30, 90))).isoformat(),
            "subject_kind": "company", "subject_id": cid, "assignee_id": rng.choice(consultants),
            "note": danish_text(rng, 20, 120), "done": rng.random() < 0.3,
        }


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def push_records(client: SyncClient, device_id: str, items: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Put generated records on a server through its push API (``client``: a SyncClient), 5,000 a request.

    Every one must be applied: generated data that a server refuses is a bug in the generator.
    """
    for start in range(0, len(items), 5_000):
        batch = [{"mutation_id": start + k + 1, "entity": e, "id": i, "op": "upsert", "base_version": 0, "fields": f}
                 for k, (e, i, f) in enumerate(items[start : start + 5_000])]
        refused = [r for r in client.push(device_id, batch)["results"] if r["status"] != "applied"]
        assert not refused, refused[:3]


def load_local(db: Database, items: Iterator[tuple[str, str, dict[str, Any]]], version_start: int = 1) -> int:
    """Write generated records into a local database as if already synced.

    Goes through the sync apply path (bulk upserts + search index), so it is
    both fast and exactly what a first sync would produce. Returns the count.
    """
    from desktop.models.replica import apply_page

    count = 0
    batch: list[dict[str, Any]] = []
    version = version_start
    for entity, record_id, fields in items:
        batch.append({"entity": entity, "id": record_id, "op": "upsert", "version": version, "fields": fields})
        version += 1
        if len(batch) >= 5_000:
            with db.write() as session:
                apply_page(session, batch)
            count += len(batch)
            batch = []
    if batch:
        with db.write() as session:
            apply_page(session, batch)
        count += len(batch)
    db.refresh_statistics()  # as a first sync does
    while not db.tidy():  # the search index's merges, as the app's sync thread does after syncs
        pass
    return count
