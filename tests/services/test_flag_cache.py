"""Flags kept per record: after a write, the cache recomputes what that write touched and gives what the rules give."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry import audit, clock
from registry.models import Activity, ClientController, OrganisationCreate, RetentionRule, SubProcessor, Transfer
from registry.services import crud
from registry.services import flags as rules
from registry.services.flag_cache import FlagCache
from registry.services.organisations import get_by_slug, update_organisation

ON = date(2026, 11, 23)
AREAS = (
    (rules.flags_for_activities, Activity),
    (rules.flags_for_subprocessors, SubProcessor),
    (rules.flags_for_transfers, Transfer),
    (rules.flags_for_clients, ClientController),
    (rules.flags_for_retention, RetentionRule),
)
ACTOR = "dpo@demo.example.com"


def rows(session, model, org):
    return list(session.scalars(select(model).where(model.organisation_id == org.id).order_by(model.id)))


def named(session, model, org, **where):
    (key, value), = where.items()
    return next(r for r in rows(session, model, org) if getattr(r, key) == value)


def write(session, obj, **values):
    """A save as the services make it: new values, version claimed, audit entry, one commit."""
    before = audit.snapshot(obj)
    crud.record_update(session, obj, before, crud.apply(obj, values), ACTOR)
    session.commit()


def every_flag(session, cache, org) -> dict:
    """Every area's flags through the cache; each must equal what the rules compute from the database now."""
    out = {}
    for compute, model in AREAS:
        records = rows(session, model, org)
        cached = cache.flags(session, org, compute, records, ON)
        assert cached == compute(session, org, records, ON), model.__name__
        out[model] = cached
    return out


# Each change makes its writes, with the flags read between them (`seen`) so that each write stands alone.


def promise_24_hours_to_a_client(session, org, seen):
    """OVH may take 72 h; once a client of an activity using it is promised 24 h, OVH is flagged (Art. 28(4))."""
    write(session, named(session, SubProcessor, org, legal_name="OVH"), breach_notice_hours=72)
    seen()
    write(session, rows(session, ClientController, org)[0], breach_notice_hours=24)


def drop_the_openai_scc(session, org, seen=lambda: None):
    write(session, named(session, Transfer, org, recipient="OpenAI, L.L.C."), mechanism=None, scc_module=None)


def retire_openai_then_the_activity_using_it(session, org, seen):
    write(session, named(session, SubProcessor, org, legal_name="OpenAI, L.L.C."), status="retired")
    seen()
    write(session, named(session, Activity, org, reference="PIL-S-02"), status="retired")


def remove_the_retention_rule(session, org, seen):
    crud.delete_record(session, org, rows(session, RetentionRule, org)[0], ACTOR)
    session.commit()


def record_a_dpo(session, org, seen):  # the demo PILOTIM names none (its contract gives only a rights address)
    current = {name: getattr(org, name) for name in OrganisationCreate.model_fields if name != "slug"}
    update_organisation(session, org, {**current, "dpo_name": "Déléguée Démo (fictive)"}, ACTOR)
    session.commit()


@pytest.mark.parametrize("change", [promise_24_hours_to_a_client, drop_the_openai_scc,
                                    retire_openai_then_the_activity_using_it, remove_the_retention_rule, record_a_dpo])
def test_after_a_write_the_cached_flags_are_the_rules_flags(session, demo, change):
    org = get_by_slug(session, "pilotim")
    cache = FlagCache()
    before = every_flag(session, cache, org)
    change(session, org, lambda: every_flag(session, cache, org))
    after = every_flag(session, cache, org)
    assert after != before  # each change moves some flag: the comparison above is not vacuous


def test_a_write_recomputes_only_the_records_whose_flags_read_it(session, demo):
    org = get_by_slug(session, "pilotim")
    cache = FlagCache()
    every_flag(session, cache, org)
    computed, total = cache.computed, sum(len(rows(session, model, org)) for _c, model in AREAS)
    assert computed == total
    every_flag(session, cache, org)
    assert cache.computed == computed  # nothing written: nothing computed

    drop_the_openai_scc(session, org)
    every_flag(session, cache, org)
    openai = named(session, SubProcessor, org, legal_name="OpenAI, L.L.C.")
    users = session.scalars(select(Activity).where(Activity.subprocessors.any(SubProcessor.id == openai.id))).all()
    # The transfer, its sub-processor and the activities using that sub-processor: nothing else.
    assert cache.computed - computed == 1 + 1 + len(users) < total
    assert "transfer_without_safeguards" in {f.code for f in rules.flags_for_activities(session, org, users, ON)[users[0].id]}


def test_a_breach_or_a_member_written_keeps_every_flag(session, demo):
    from registry.models import BreachCreate
    from registry.services import breaches

    org = get_by_slug(session, "pilotim")
    cache = FlagCache()
    every_flag(session, cache, org)
    computed = cache.computed
    values = {"reference": "2026-X", "title": "Perte d'un ordinateur", "aware_at": clock.now() - timedelta(days=2),
              "confidentiality": True, "risk": "unlikely", "risk_reasoning": "Disque chiffré"}
    breaches.record_breach(session, org, BreachCreate.model_validate(values), actor=ACTOR)
    session.commit()
    every_flag(session, cache, org)
    assert cache.computed == computed
