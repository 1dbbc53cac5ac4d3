"""A small, realistic Danish job-centre dataset for report tests (the Jammerbugt and Vesthimmerland stories).

Everything goes through the normal operations, so automatic follow-ups are
planned exactly as in the app; the one supervisor review is written the way a
sync would write it (reviews are server-owned).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from desktop.models import Database, Operations
from desktop.models.entities import Review

SOREN = "5f0c2b1e-7a43-4c9e-8d51-0b6a2f9e4c11"  # the colleague (Søren Østergaard)


@dataclass
class Dataset:
    names: dict[str, str]
    jammerbugt: str
    centres: dict[str, str]
    visit: str
    internship: str
    ordinary: str


def build(ops: Operations, db: Database, user_id: str) -> Dataset:
    names = {user_id: "Mette Kjær", SOREN: "Søren Østergaard"}
    jammerbugt = ops.create_company(
        name="Jammerbugt Rengøring ApS", cvr="29403473", address="Østergade 12", postcode="9460", city="Brovst",
        municipality="Jammerbugt", industry="Rengøring", phone="98 23 45 67", email="kontakt@jbrengoering.dk",
    ).id
    ops.add_contact(jammerbugt, name="Lone Bødker", title="Direktør", phone="20 11 22 33")

    centres = {
        "Aars Tømrer & Snedker A/S": ops.create_company(
            name="Aars Tømrer & Snedker A/S", cvr="35871209", address="Industrivej 7", postcode="9600",
            city="Aars", municipality="Vesthimmerland", phone="98 62 10 20", is_centre=True,
            centre_work_areas="Tømrerarbejde, lager og oprydning på pladsen",
            centre_target_groups="Jobparate og aktivitetsparate", centre_places=3,
            centre_visit_interval_days=21, centre_agreement_start=date(2026, 1, 1),
            centre_agreement_end=date(2027, 12, 31), responsible_user_id=SOREN,
        ).id,
        "Farsø Plejecenter Ågården": ops.create_company(
            name="Farsø Plejecenter Ågården", address="Ågade 3", postcode="9640", city="Farsø",
            municipality="Vesthimmerland", is_centre=True,
            centre_work_areas="Køkken, rengøring og pedelopgaver",
            centre_target_groups="Ressourceforløb, unge under 30",
            centre_places=4, centre_visit_interval_days=21, centre_agreement_start=date(2026, 3, 1),
        ).id,
        "Løgstør Maskinfabrik ApS": ops.create_company(
            name="Løgstør Maskinfabrik ApS", cvr="18340518", address="Havnevej 41", postcode="9670",
            city="Løgstør", municipality="Vesthimmerland", email="info@lmf.dk", is_centre=True,
            centre_work_areas="Montage og svejsning", centre_target_groups="Sygedagpengemodtagere",
            centre_places=2, centre_visit_interval_days=14, centre_agreement_start=date(2026, 6, 1),
            centre_agreement_end=date(2027, 5, 31), responsible_user_id=SOREN,
        ).id,
    }
    aars, farso, logstor = centres.values()
    ops.add_contact(aars, name="Jørgen Frølund", title="Værkfører", phone="40 50 60 70", email="jf@aarstomrer.dk")
    ops.add_contact(aars, name="Birgitte Læsø", title="Kontorchef", email="bl@aarstomrer.dk")
    ops.add_contact(farso, name="Åse Møller", title="Køkkenleder", phone="+4596171819")
    for name in ("Niels Kjær", "Pia Sørensen"):
        ops.add_mentor(aars, name=name, title="Tømrer", trained_on=date(2025, 9, 18))
    ops.add_mentor(farso, name="Hanne Mikkelsen", title="Køkkenleder", trained_on=date(2024, 4, 10))
    ops.add_mentor(farso, name="Ole Jensen", title="Pedel", active=False)

    visit = ops.create_visit(
        jammerbugt, visited_at=date(2026, 11, 10), kind="first_contact",
        participants="Lone Bødker (direktør), Mette Kjær (virksomhedskonsulent)",
        body="Faglærte medarbejdere bruger tid på rengøring af værksted og kantine.\n\n"
             "Virksomheden er åben for en virksomhedspraktik på rengøringsopgaverne.",
        needs="Hjælp til daglig rengøring, 8 timer om ugen.",
        next_step="Kollega foreslår en borger til virksomhedspraktik.",
        follow_up_on=date(2026, 11, 24), status="ready",
    ).id
    internship = ops.create_opening(
        jammerbugt, visit_id=visit, title="Rengøring af værksted og kantine", kind="virksomhedspraktik",
        job_functions="Rengøring af værksted, kantine og mandskabsrum", hours_per_week=8, duration_weeks=13,
        starts_on=date(2026, 11, 16), status="filled",
    ).id
    ordinary = ops.create_opening(
        jammerbugt, visit_id=visit, title="Ordinære timer på lageret", kind="ordinary", hours_per_week=8,
        status="in_dialogue", starts_on=date(2026, 12, 7),
    ).id
    ops.create_visit(aars, visited_at=date(2026, 11, 3), kind="centre_visit", consultant_id=SOREN,
                     body="Status på de tre pladser.", status="ready")
    ops.create_visit(farso, visited_at=date(2026, 11, 19), kind="follow_up", body="Kort opfølgning i køkkenet.")
    ops.create_opening(logstor, title="Småjob i montagehallen", kind="smaajob", hours_per_week=10,
                       starts_on=date(2026, 11, 9), places=2, status="open")

    done = ops.create_follow_up("company", jammerbugt, due_on=date(2026, 11, 12), note="Send materiale om praktik").id
    ops.complete_follow_up(done)
    ops.create_follow_up("visit", visit, due_on=date(2026, 11, 20), note="Ring til Lone om praktikstart")

    with db.write() as session:  # as the sync writes a supervisor's verdict
        session.add(Review(id=str(uuid.uuid4()), team_id=ops.actor.team_id, version=7, visit_id=visit,
                           state="approved", comment="Fint referat.", reviewer_id=str(uuid.uuid4()),
                           reviewed_at=datetime(2026, 11, 12, 9, 30, tzinfo=UTC)))
    return Dataset(names, jammerbugt, centres, visit, internship, ordinary)
