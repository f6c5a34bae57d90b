"""Creating an organisation from the web: superusers only, the slug checked at its field, the creation audited."""

import re

import pytest
from sqlalchemy import select

from registry.models import AuditEntry, Membership, Organisation, User
from registry.services import users as accounts
from registry.services.crud import Invalid
from registry.services.organisations import create_organisation, get_by_slug
from tests.web.conftest import FormClient

VALID = {"slug": "durand-avocats", "legal_name": "Cabinet Durand & Associés", "country": "FR", "acts_as": "both",
         "timezone": "Europe/Paris", "dpo_email": "dpo@durand.example.com"}


@pytest.fixture
def superuser(client, session):
    user = User(email="root@example.com", password_hash="not used", is_superuser=True)
    session.add(user)
    session.flush()
    token = accounts.open_session(session, user)
    session.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
    client.get("/lang/en")
    return FormClient(client)


def test_a_superuser_creates_an_organisation_and_lands_on_its_empty_dashboard(superuser, session):
    assert 'href="/orgs/new"' in superuser.client.get("/").get_data(as_text=True)
    form = superuser.client.get("/orgs/new").get_data(as_text=True)
    assert 'value="Europe/Paris"' in form
    response = superuser.submit("/orgs/new", VALID)
    assert response.status_code == 302 and response.headers["Location"] == "/orgs/durand-avocats/"
    org = get_by_slug(session, "durand-avocats")
    assert org.legal_name == "Cabinet Durand & Associés" and org.dpo_email == "dpo@durand.example.com"
    entry = session.execute(select(AuditEntry).where(AuditEntry.organisation_id == org.id)).scalars().one()
    assert (entry.action, entry.actor, entry.record_type) == ("create", "root@example.com", "organisation")
    page = superuser.client.get("/orgs/durand-avocats/").get_data(as_text=True)
    assert "Cabinet Durand &amp; Associés created" in page


@pytest.mark.parametrize("slug, message", [
    ("Durand Avocats", "use 1-64 lower-case letters, digits and hyphens"),
    ("new", "this short name is already taken"),
    ("acme", "this short name is already taken"),
    ("", "Give a short name."),
])
def test_a_bad_or_taken_slug_is_refused_at_its_field_and_nothing_is_created(superuser, make_org, session, count, slug, message):
    make_org("acme")
    orgs, entries = count(Organisation), count(AuditEntry)
    response = superuser.submit("/orgs/new", {**VALID, "slug": slug})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and re.search(r'id="slug-error">[^<]*' + re.escape(message), page)
    assert 'value="Cabinet Durand &amp; Associés"' in page  # the rest of the input is kept
    assert (count(Organisation), count(AuditEntry)) == (orgs, entries)


def test_members_who_are_not_superusers_cannot_create_organisations(en, count):
    assert 'href="/orgs/new"' not in en.get("/").get_data(as_text=True)
    assert en.get("/orgs/new").status_code == 403
    assert en.post("/orgs/new", data=VALID).status_code in (400, 403)
    assert count(Organisation) == 1


def test_a_creator_who_is_not_a_superuser_becomes_its_admin(session):
    user = accounts.create_user(session, "lea@example.com", "a long enough password")
    org = create_organisation(session, dict(VALID), user, "lea@example.com")
    session.commit()
    assert session.get(Membership, (user.id, org.id)).role == "admin"
    with pytest.raises(Invalid) as refused:
        create_organisation(session, dict(VALID), user, "lea@example.com")
    assert list(refused.value.errors) == ["slug"]
