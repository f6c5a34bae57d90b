"""A synthetic organisation of any size (activities, sub-processors, client controllers), inserted in bulk."""

import random
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session

from registry import reference
from registry.models import (
    Activity,
    ActivityClientLink,
    ActivityMeasureLink,
    ActivitySubProcessorLink,
    ClientController,
    Organisation,
    ProcessingLocation,
    RetentionRule,
    SecurityMeasure,
    SubProcessor,
    Transfer,
)
from registry.models.base import utcnow

COUNTRIES = ["FR", "DE", "IE", "NL", "BE", "ES", "IT", "US", "GB", "CH", "IN"]
WORDS = ("gestion suivi facturation paie recrutement support hébergement analyse messagerie planification "
         "archivage formation sécurité prospection statistiques maintenance").split()


def _t(table):
    return table.__table__


def build(session: Session, activities: int, subprocessors: int, clients: int, seed: int = 7,
          slug: str = "synthetic") -> int:
    """Insert one organisation with the given counts; returns its id. Deterministic for a seed."""
    rnd = random.Random(seed)
    now = utcnow()
    org = Organisation(slug=slug, legal_name="Synthetic Software SAS", trade_name="Synthetic", country="FR",
                       address="1 rue de l'Exemple, 75001 Paris", registration="RCS Paris 000 000 000",
                       contact_email="contact@example.org", dpo_name="Camille Martin", dpo_email="dpo@example.org",
                       acts_as="both")
    session.add(org)
    session.flush()
    oid = org.id
    stamp = {"organisation_id": oid, "created_at": now, "updated_at": now, "version": 1}
    headings = list(reference.vocabulary("measure_headings"))
    measures = [{**stamp, "heading": headings[i % len(headings)], "title": f"Mesure {i + 1}",
                 "description": f"Description de la mesure de sécurité numéro {i + 1}."} for i in range(40)]
    session.execute(insert(_t(SecurityMeasure)), measures)
    subs = []
    for i in range(subprocessors):
        subs.append({**stamp, "legal_name": f"Sous-traitant {i + 1:04d} SAS", "country": rnd.choice(COUNTRIES),
                     "address": f"{i + 1} avenue des Services", "service": f"Service de {rnd.choice(WORDS)}",
                     "certifications": ["ISO 27001"] if i % 3 == 0 else [], "status": "active",
                     "dpa_signed_on": date(2024, 1, 1 + i % 28) if i % 7 else None,
                     "contact_email": f"privacy{i}@example.com"})
    session.execute(insert(_t(SubProcessor)), subs)
    session.flush()
    sub_ids = [r[0] for r in session.execute(
        _t(SubProcessor).select().with_only_columns(_t(SubProcessor).c.id).where(_t(SubProcessor).c.organisation_id == oid)
        .order_by(_t(SubProcessor).c.id))]
    locs, transfers = [], []
    for n, sid in enumerate(sub_ids):
        country = subs[n]["country"]
        locs.append({"subprocessor_id": sid, "country": country, "kind": "storage"})
        if not reference.is_eea(country):
            transfers.append({**stamp, "subprocessor_id": sid, "recipient": subs[n]["legal_name"],
                              "destination_country": country, "exporter_role": "processor", "importer_role": "processor",
                              "mechanism": "scc", "scc_module": 3, "tia_date": date(2025, 3, 1)})
    session.execute(insert(_t(ProcessingLocation)), locs)
    if transfers:
        session.execute(insert(_t(Transfer)), transfers)
    cls = [{**stamp, "legal_name": f"Client {i + 1:05d} SARL", "country": "FR", "language": "en" if i % 4 == 0 else "fr",
            "address": f"{i + 1} boulevard des Clients, 69000 Lyon", "contact_name": f"Contact {i + 1}",
            "contact_email": f"client{i + 1}@example.net", "contract_reference": f"CT-{i + 1:05d}",
            "contract_start": date(2023, 1 + i % 12, 1), "subprocessor_authorisation": "general"}
           for i in range(clients)]
    session.execute(insert(_t(ClientController)), cls)
    session.flush()
    client_ids = [r[0] for r in session.execute(
        _t(ClientController).select().with_only_columns(_t(ClientController).c.id)
        .where(_t(ClientController).c.organisation_id == oid).order_by(_t(ClientController).c.id))]
    measure_ids = [r[0] for r in session.execute(
        _t(SecurityMeasure).select().with_only_columns(_t(SecurityMeasure).c.id)
        .where(_t(SecurityMeasure).c.organisation_id == oid).order_by(_t(SecurityMeasure).c.id))]
    acts = []
    subjects = list(reference.vocabulary("data_subjects"))
    cats = list(reference.vocabulary("data_categories"))
    for i in range(activities):
        role = "processor" if i % 5 == 0 else "controller"
        w = rnd.sample(WORDS, 3)
        acts.append({**stamp, "reference": f"T-{i + 1:04d}", "name": f"{w[0].capitalize()} et {w[1]} ({i + 1})",
                     "role": role, "status": "active", "dpia": "not_needed",
                     "description": f"Traitement de {w[0]} pour le {w[1]} et la {w[2]} : collecte, consultation, "
                                    "conservation et suppression des données selon la procédure interne.",
                     "purposes": [{"purpose": f"Assurer la {w[k]}", "legal_basis": "art6_1_b"} for k in range(2)],
                     "data_subjects": [{"code": c} for c in rnd.sample(subjects[:12], 2)],
                     "data_categories": [{"code": c} for c in rnd.sample(cats[:8], 3)],
                     "recipients": [{"code": "internal"}, {"code": "processors"}],
                     "systems": "ERP, messagerie"})
    session.execute(insert(_t(Activity)), acts)
    session.flush()
    act_rows = list(session.execute(
        _t(Activity).select().with_only_columns(_t(Activity).c.id, _t(Activity).c.role)
        .where(_t(Activity).c.organisation_id == oid).order_by(_t(Activity).c.id)))
    links_s, links_m, links_c, rules = [], [], [], []
    processor_ids = [aid for aid, role in act_rows if role == "processor"]
    for aid, _role in act_rows:
        links_s += [{"activity_id": aid, "subprocessor_id": s} for s in rnd.sample(sub_ids, min(3, len(sub_ids)))]
        links_m += [{"activity_id": aid, "measure_id": m} for m in rnd.sample(measure_ids, 4)]
        rules.append({**stamp, "activity_id": aid, "kind": "from_event", "value": 5, "unit": "years",
                      "event": "contract_end", "end_action": "delete", "data_category": "identity", "bound": "exact"})
    for n, cid in enumerate(client_ids):
        if processor_ids:
            for aid in {processor_ids[(n + k * 7) % len(processor_ids)] for k in range(3)}:
                links_c.append({"activity_id": aid, "client_id": cid})
    session.execute(insert(_t(ActivitySubProcessorLink)), links_s)
    session.execute(insert(_t(ActivityMeasureLink)), links_m)
    if links_c:
        session.execute(insert(_t(ActivityClientLink)), links_c)
    session.execute(insert(_t(RetentionRule)), rules)
    session.flush()
    return oid
