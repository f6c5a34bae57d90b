"""No input to any form of the app causes a server error: each field of each form sent with hostile values.

The forms are read from the pages (tests/web/mutations.py): the generic CRUD pages of every registered entity and
the breach, change, contract, member, settings and account pages, of the PILOTIM demo register with one breach
and one planned change added, signed in as the organisation's admin (a DPO who also manages members and settings).
The fast test sends each field a NUL and one other hostile value taken in turn from the list, so that the list is
spread over the fields of each form; the slow one sends every value to every field.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry import clock
from registry.models import Activity, BreachCreate, SubProcessor, SubProcessorChangeCreate
from registry.services import breaches as breach_svc
from registry.services import changes as change_svc
from registry.services import users as accounts
from registry.services.organisations import get_by_slug
from tests.web import mutations


@pytest.fixture
def register(app, demo, sign_in):
    """PILOTIM with a breach, a planned change told to its clients and an API token; the client signed in as admin."""
    pilotim = get_by_slug(demo, "pilotim")
    ovh = [s.id for s in breach_svc.find_subprocessors(demo, pilotim.id, "OVH")]
    proposal = breach_svc.propose_impact(demo, pilotim.id, ovh).create_values()
    now = clock.now().replace(second=0)
    breach = breach_svc.record_breach(demo, pilotim, BreachCreate.model_validate({
        **proposal, "reference": "2026-OVH-1", "title": "Intrusion OVH", "aware_at": now - timedelta(hours=6),
        "confidentiality": True, "risk": "high"}), actor="test")
    activity = demo.scalar(select(Activity).where(Activity.organisation_id == pilotim.id, Activity.reference == "PIL-S-02"))
    sub = demo.scalar(select(SubProcessor).where(SubProcessor.organisation_id == pilotim.id).order_by(SubProcessor.id))
    change = change_svc.plan_change(demo, pilotim, SubProcessorChangeCreate.model_validate({
        "kind": "change_locations", "subprocessor_id": sub.id, "new_locations": [{"country": "FR"}],
        "notice_date": now.date()}), "test")
    client = sign_in("admin@test.example.com", "admin", pilotim)
    user = accounts.find_user(demo, "admin@test.example.com")
    user.is_superuser = True
    accounts.create_token(demo, user, "mutation test")
    demo.commit()
    ids = {"breaches": breach.id, "changes": change.id}
    for name, bp in app.blueprints.items():
        entity = getattr(bp, "entity", None)
        if entity is not None and name not in ids:
            first = demo.scalar(select(entity.model.id).where(entity.model.organisation_id == pilotim.id)
                                .order_by(entity.model.id))
            if first is not None:
                ids[name] = first
    assert activity is not None and len(ids) >= 8, ids
    forms = mutations.discover(client, mutations.page_urls(app, "pilotim", ids) + ["/account/password", "/account/tokens", "/orgs/new"])
    return client, forms


def test_every_field_of_every_form_refuses_hostile_values_without_a_server_error(register):
    client, forms = register
    actions = {f.action for f in forms}
    # The forms reached: each register area's new and edit forms, the extra ones, and the list searches.
    for expected in ("/activities/new", "/breaches/new", "/changes/new", "/members/", "/settings", "/contract/upload",
                     "/notices", "/objections", "/account/password", "/clients/"):
        assert any(expected in a for a in actions), (expected, sorted(actions))
    outcomes = mutations.run(client, forms, per_field=1)
    assert len(outcomes) > 500
    assert mutations.server_errors(outcomes) == []


@pytest.mark.slow
def test_every_hostile_value_in_every_field_of_every_form_without_a_server_error(register):
    client, forms = register
    outcomes = mutations.run(client, forms)
    assert mutations.server_errors(outcomes) == []
