"""Flags of the demo organisations, computed in batches: what the dashboard shows a DPO."""

from datetime import date

import pytest
from sqlalchemy import event, select

from registry.models import Activity, ClientController, SubProcessor, Transfer
from registry.services import flags as flag_service
from registry.services.dashboard import dashboard
from registry.services.flag_cache import FlagCache
from registry.services.organisations import get_by_slug

ON = date(2026, 11, 23)


@pytest.fixture
def demo_org(demo):
    return lambda slug: get_by_slug(demo, slug)


def rows(session, model, org):
    return list(session.execute(select(model).where(model.organisation_id == org.id).order_by(model.id)).scalars())


def by_name(records, flags, attr="legal_name"):
    return {getattr(r, attr): {f.code for f in flags[r.id]} for r in records}


def test_pilotim_us_transfers_are_covered_and_every_subprocessor_lacks_a_dpa(session, demo_org):
    org = demo_org("pilotim")
    sps = rows(session, SubProcessor, org)
    flags = by_name(sps, flag_service.flags_for_subprocessors(session, org, sps, ON))
    # Art. 9 names the providers only: no address nor contact at any level (Art. 30(2)(a)).
    identity = {"chain_address_missing", "chain_contact_person_missing", "chain_contact_missing"}
    assert flags["OpenAI, L.L.C."] == {"no_dpa"} | identity  # its US location is covered by PILOTIM's SCC transfer
    # Google Ireland states no processing location; the US one is Google LLC's, covered by Google Ireland's transfer.
    assert flags["Google Ireland Limited"] == {"no_dpa", "no_processing_location"} | identity
    assert flags["Google LLC"] == {"no_dpa", "chain_not_confirmed", "chain_change_not_notified"} | identity
    assert flags["OVH"] == {"no_dpa", "no_processing_location"} | identity
    transfers = rows(session, Transfer, org)
    assert {f.code for fl in flag_service.flags_for_transfers(session, org, transfers, ON).values() for f in fl} == {
        "tia_missing"}


def test_removing_the_scc_makes_the_us_location_and_the_activity_flagged(session, demo_org):
    org = demo_org("pilotim")
    openai = next(t for t in rows(session, Transfer, org) if t.recipient == "OpenAI, L.L.C.")
    openai.mechanism, openai.scc_module = None, None
    session.flush()
    sp = session.get(SubProcessor, openai.subprocessor_id)
    assert "location_needs_safeguards" in {f.code for f in flag_service.flags_for_subprocessors(session, org, [sp], ON)[sp.id]}
    ai = next(a for a in rows(session, Activity, org) if a.reference == "PIL-S-02")
    codes = {f.code for f in flag_service.flags_for_activities(session, org, [ai], ON)[ai.id]}
    assert "transfer_without_safeguards" in codes


def test_pilotim_contract_terms_lack_change_information_and_objection(session, demo_org):
    org = demo_org("pilotim")
    clients = rows(session, ClientController, org)
    codes = {f.code for f in flag_service.flags_for_clients(session, org, clients)[clients[0].id]}
    assert codes == {"change_information_missing", "objection_right_missing", "infringing_instruction_notice_missing"}


def test_apex_timing_similar_commitments_are_flagged_as_not_the_same_obligations(session, demo_org):
    org = demo_org("apex-timing")
    clients = rows(session, ClientController, org)
    codes = {f.code for f in flag_service.flags_for_clients(session, org, clients)[clients[0].id]}
    assert "flow_down_missing" in codes  # "engagements similaires" is not Art. 28(4)'s same obligations


def test_pilotim_names_no_dpo_and_its_anonymised_reuse_lacks_what_the_contract_does_not_state(session, demo_org):
    org = demo_org("pilotim")
    acts = rows(session, Activity, org)
    flags = by_name(acts, flag_service.flags_for_activities(session, org, acts, ON), "reference")
    assert all("dpo_not_recorded" in codes for codes in flags.values())
    assert {"legal_basis_missing", "data_subjects_missing", "data_categories_missing"} <= flags["PIL-R-02"]


def test_dashboard_groups_what_is_flagged_per_organisation(session, demo_org):
    board = dashboard(session, demo_org("pilotim"), ON)
    assert board.counts == {"activities": 11, "clients": 3, "subprocessors": 18, "transfers": 2, "retention": 1, "requests": 0}
    subs = board.areas["subprocessors"]
    assert subs.flagged == 18 and subs.by_worst["missing"] == 17  # none has a DPA on record
    assert subs.by_worst["risk"] == 1  # Google LLC (level 2): the clients were never told of it
    no_dpa = next(g for g in subs.groups if g.flag.code == "no_dpa")
    assert no_dpa.count == 18  # one line for the 18, not 18 lines
    assert board.areas["transfers"].by_worst == {"risk": 0, "missing": 0, "warning": 2}  # no TIA recorded
    assert board.unrecorded_transfers == []  # both US locations are covered by the SCC transfers
    acts = board.areas["activities"]
    own_id = next(a.id for a in rows(session, Activity, demo_org("pilotim")) if a.reference == "PIL-R-01")
    own = {g.flag.code for g in acts.groups if own_id in g.ids} | {
        f.code for s in acts.singles if s.id == own_id for f in s.flags}  # shared with PIL-R-02 or its own
    assert {"data_categories_missing", "recipients_missing", "legal_basis_missing"} <= own
    assert "data_subjects_missing" not in own  # the contract names agents, staff, managers
    art_zone = dashboard(session, demo_org("art-zone"), ON)
    codes_of_clients = {g.flag.code for g in art_zone.areas["clients"].groups} | {
        f.code for s in art_zone.areas["clients"].singles for f in s.flags}
    assert "subprocessor_authorisation_missing" in codes_of_clients


def test_dashboard_names_the_first_records_of_a_group_and_counts_them_all(session, demo_org):
    full = dashboard(session, demo_org("pilotim"), ON)
    short = dashboard(session, demo_org("pilotim"), ON, shown=3)
    assert short.flagged == full.flagged and short.flagged["subprocessors"] == 18
    full_dpa, short_dpa = full.areas["subprocessors"].groups[0], short.areas["subprocessors"].groups[0]
    assert short_dpa.flag == full_dpa.flag and short_dpa.count == full_dpa.count > 3
    assert [sp.id for sp in short_dpa.records] == [sp.id for sp in full_dpa.records[:3]]


def test_a_warm_dashboard_reads_no_record_it_does_not_show(app, session, demo_org):
    """Once the flags are known, the dashboard reads ids, plus the few records it names."""
    org = demo_org("pilotim")
    cache = FlagCache()
    dashboard(session, org, ON, cache=cache)
    computed = cache.computed
    session.expunge_all()
    loaded = []

    def on_load(target, _context):
        loaded.append(target.id)

    event.listen(SubProcessor, "load", on_load)
    try:
        board = dashboard(session, org, ON, cache=cache, shown=2)
    finally:
        event.remove(SubProcessor, "load", on_load)
    assert cache.computed == computed  # nothing computed again
    assert board.flagged["subprocessors"] == 18  # all 18 lack a DPA: counted, and only the 2 named are read
    named = {sp.id for g in board.areas["subprocessors"].groups for sp in g.records}
    alone = {r.id for r in board.areas["subprocessors"].singles}  # Google LLC: the only level-2 hop
    assert sorted(loaded) == sorted(named | alone) and len(named) == 2 and len(alone) == 1


def test_activity_flags_take_the_same_number_of_queries_for_3_or_10_rows(app, demo_org):
    from sqlmodel import Session

    engine = app.extensions["registry.engine"]
    counts = []
    for size in (3, 10):
        with Session(engine) as fresh:
            org = get_by_slug(fresh, "pilotim")
            page = rows(fresh, Activity, org)[:size]
            statements: list[str] = []

            def listener(_conn, _cursor, statement, *_args, seen=statements):
                seen.append(statement)

            event.listen(engine, "before_cursor_execute", listener)
            result = flag_service.flags_for_activities(fresh, org, page, ON)
            event.remove(engine, "before_cursor_execute", listener)
        assert len(result) == size
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 10


def codes(flags):
    return {f.code for f in flags}


def test_cached_flags_are_reused_until_a_write_then_computed_again(session, demo_org):
    from registry.services.subprocessors import retire_subprocessor

    org = demo_org("pilotim")
    cache = FlagCache()
    compute = flag_service.flags_for_subprocessors
    sps = rows(session, SubProcessor, org)
    first = cache.flags(session, org, compute, sps, ON)
    assert first == compute(session, org, sps, ON) and cache.computed == len(sps)
    assert cache.flags(session, org, compute, sps[:3], ON) == {sp.id: first[sp.id] for sp in sps[:3]}
    assert cache.computed == len(sps)  # nothing computed twice while the register is unchanged

    openai = next(sp for sp in sps if sp.legal_name == "OpenAI, L.L.C.")
    assert "retired_still_used" not in codes(first[openai.id])
    retire_subprocessor(session, org, openai, "dpo@demo.example.com")  # audited, like every write
    session.commit()
    assert "retired_still_used" in codes(cache.flags(session, org, compute, [openai], ON)[openai.id])
    assert cache.computed == len(sps) + 1

    cache.flags(session, org, compute, [openai], date(2026, 11, 24))  # a new day: dates in the rules moved
    assert cache.computed == len(sps) + 2


def test_the_cache_keeps_organisations_apart_and_bounded(session, demo_org):
    cache = FlagCache(max_orgs=1)
    compute = flag_service.flags_for_clients
    pilotim, apex = demo_org("pilotim"), demo_org("apex-timing")
    p_clients, a_clients = rows(session, ClientController, pilotim), rows(session, ClientController, apex)
    assert cache.flags(session, pilotim, compute, p_clients, ON).keys() == {c.id for c in p_clients}
    assert cache.flags(session, apex, compute, a_clients, ON).keys() == {c.id for c in a_clients}
    before = cache.computed
    cache.flags(session, pilotim, compute, p_clients, ON)  # evicted by the second organisation
    assert cache.computed == before + len(p_clients)


def test_a_hosting_provider_slower_than_the_promise_to_a_client_is_flagged(session, demo_org):
    """PILOTIM's clients were promised breach notice "dans les meilleurs délais"; once one is promised 24 h, an
    OVH contract allowing 72 h cannot be kept (Art. 28(4))."""
    org = demo_org("pilotim")
    ovh = next(sp for sp in rows(session, SubProcessor, org) if sp.legal_name == "OVH")
    client = rows(session, ClientController, org)[0]
    ovh.breach_notice_hours, client.breach_notice_hours = 72, 24
    session.flush()
    [flag] = [f for f in flag_service.flags_for_subprocessors(session, org, [ovh], ON)[ovh.id]
              if f.code == "breach_delay_exceeds_promise"]
    assert dict(flag.params) == {"hours": "72", "promised": "24", "client": client.legal_name}
    client.breach_notice_hours = 96
    session.flush()
    assert "breach_delay_exceeds_promise" not in codes(flag_service.flags_for_subprocessors(session, org, [ovh], ON)[ovh.id])
