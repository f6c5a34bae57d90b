"""The JSON export and import carry the sub-processor chain: `parent` names the local id of the hop above; a loop or
a missing hop is refused with the record named and nothing written (Art. 30(3)-(4): the register exports whole)."""

import json

import pytest
from sqlalchemy import func, select

from registry.models import Organisation, SubProcessor, Transfer
from registry.services import exchange
from registry.services.subprocessors import create_subprocessor, update_subprocessor
from registry.services.transfers import create_transfer


@pytest.fixture
def chained(session):
    """Three levels; the third is created before the second and hung under it afterwards, so that a hop's parent
    comes later in the file than the hop itself."""
    org = Organisation(slug="chain", legal_name="Chain Demo SAS", country="FR")
    session.add(org)
    session.flush()
    top, _ = create_subprocessor(session, org, {"legal_name": "Cloud Europe SA", "country": "IE",
                                                "address": "1 Example Street, Dublin", "contact_email": "dpo@example.com",
                                                "locations": [{"country": "IE"}]}, "test")
    deep, _ = create_subprocessor(session, org, {"legal_name": "Edge Data Centre Ltd", "country": "IN",
                                                 "locations": [{"country": "IN", "kind": "support"}],
                                                 "source_kind": "email", "source": "Mail of 3 March 2026"}, "test")
    mid, _ = create_subprocessor(session, org, {"legal_name": "Cloud Inc.", "country": "US", "parent_id": top.id,
                                                "contact_name": "Privacy Office", "contact_phone": "+1 555 0100",
                                                "confirmed_on": "2026-03-01", "clients_informed_on": "2026-03-05",
                                                "locations": [{"country": "US", "kind": "storage"}]}, "test")
    update_subprocessor(session, org, deep, {**json.loads(deep.model_dump_json()), "parent_id": mid.id,
                                             "locations": [{"country": "IN", "kind": "support"}]}, "test")
    create_transfer(session, org, {"subprocessor_id": mid.id, "recipient": "Cloud Inc.", "destination_country": "US",
                                   "exporter_role": "processor", "importer_role": "processor", "mechanism": "dpf",
                                   "dpf_checked_on": "2026-02-01", "fallback_scc_module": 3,
                                   "fallback_tia_date": "2026-02-15", "importer_art3_2": "targeting"}, "test")
    create_transfer(session, org, {"subprocessor_id": deep.id, "recipient": "Edge Data Centre Ltd",
                                   "destination_country": "IN", "exporter_role": "processor",
                                   "importer_role": "processor", "mechanism": "scc", "scc_module": 3}, "test")
    session.commit()
    return org


def test_export_import_export_of_a_three_level_chain_is_byte_identical(session, chained):
    first = exchange.dumps(exchange.export_organisation(session, chained))
    doc = json.loads(first)
    parents = {s["legal_name"]: s["parent"] for s in doc["subprocessors"]}
    assert parents == {"Cloud Europe SA": None, "Edge Data Centre Ltd": 3, "Cloud Inc.": 1}
    dpf = next(t for t in doc["transfers"] if t["mechanism"] == "dpf")
    assert (dpf["fallback_scc_module"], dpf["fallback_tia_date"], dpf["importer_art3_2"]) == (3, "2026-02-15",
                                                                                              "targeting")
    exchange.import_register(session, json.loads(first), slug="chain-copy")
    session.commit()
    copy = session.execute(select(Organisation).where(Organisation.slug == "chain-copy")).scalar_one()
    second = exchange.dumps(exchange.export_organisation(session, copy))
    assert second == first.replace('"slug": "chain"', '"slug": "chain-copy"')
    # Each hop hangs under its own organisation's copy of the one above.
    subs = {s.legal_name: s for s in session.execute(select(SubProcessor).where(
        SubProcessor.organisation_id == copy.id)).scalars()}
    assert subs["Edge Data Centre Ltd"].parent_id == subs["Cloud Inc."].id
    assert subs["Cloud Inc."].parent_id == subs["Cloud Europe SA"].id


@pytest.mark.parametrize("parents, where, message", [
    ({1: 2, 2: 1}, "subprocessors[0] (Cloud Europe SA).parent", "loops back"),
    ({3: 9}, "subprocessors[2] (Cloud Inc.).parent", "not in the file"),
])
def test_a_chain_that_loops_or_names_a_missing_hop_is_refused_and_nothing_written(session, chained, parents, where,
                                                                                   message):
    doc = exchange.export_organisation(session, chained)
    for item in doc["subprocessors"]:
        if item["id"] in parents:
            item["parent"] = parents[item["id"]]
    before = session.execute(select(func.count()).select_from(Transfer)).scalar_one()
    with pytest.raises(exchange.ImportRefused) as refused:
        exchange.import_register(session, doc, slug="chain-bad")
    session.rollback()
    assert refused.value.where == where and message in refused.value.message
    assert session.execute(select(Organisation.id).where(Organisation.slug == "chain-bad")).first() is None
    assert session.execute(select(func.count()).select_from(Transfer)).scalar_one() == before


def test_files_without_a_chain_still_import_at_the_first_level(session, chained):
    doc = exchange.export_organisation(session, chained)
    doc["schema_version"] = 2
    doc.pop("requests", None)  # a version-3 section (data-subject requests), unknown to version 2
    for item in doc["subprocessors"]:
        item.pop("parent")
    exchange.import_register(session, doc, slug="flat")
    session.commit()
    org = session.execute(select(Organisation).where(Organisation.slug == "flat")).scalar_one()
    assert {s.parent_id for s in session.execute(select(SubProcessor).where(
        SubProcessor.organisation_id == org.id)).scalars()} == {None}
