"""The members page: an admin gives people access with a role, changes it or takes it away; every change audited."""

import re

import pytest
from sqlalchemy import select

from registry.models import AuditEntry, Membership, User
from registry.services import users as accounts
from tests.web.conftest import FormClient


@pytest.fixture
def admin(sign_in, org):
    return FormClient(sign_in("admin@acme.example.com", "admin", org))


def role_of(session, email, org):
    session.expire_all()
    user = accounts.find_user(session, email)
    membership = session.get(Membership, (user.id, org.id)) if user else None
    return membership.role if membership else None


def membership_audit(session, org):
    session.expire_all()
    return session.execute(select(AuditEntry).where(AuditEntry.organisation_id == org.id,
                                                    AuditEntry.record_type == "membership").order_by(AuditEntry.seq)).scalars().all()


def test_admin_gives_an_existing_account_a_role_and_it_is_audited(admin, org, session):
    accounts.create_user(session, "alice@acme.example.com", "a long enough password")
    session.commit()
    response = admin.submit("/orgs/acme/members/", {"email": "Alice@ACME.example.com", "role": "auditor"})
    assert response.status_code == 302
    assert role_of(session, "alice@acme.example.com", org) == "auditor"
    page = admin.client.get("/orgs/acme/members/").get_data(as_text=True)
    assert "alice@acme.example.com added." in page and "alice@acme.example.com</td>" in page
    entry = membership_audit(session, org)[-1]
    assert (entry.action, entry.actor, entry.before, entry.after) == (
        "create", "admin@acme.example.com", None, {"email": "alice@acme.example.com", "role": "auditor"})


def test_a_new_address_gets_an_account_whose_one_time_password_is_shown_once_and_works(admin, org, session, client, auth):
    response = admin.submit("/orgs/acme/members/", {"email": "bob@acme.example.com", "name": "Bob", "role": "dpo"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Account created for bob@acme.example.com" in page
    password = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert len(password) >= 20
    assert password not in admin.client.get("/orgs/acme/members/").get_data(as_text=True)
    session.expire_all()
    assert password not in accounts.find_user(session, "bob@acme.example.com").password_hash
    assert role_of(session, "bob@acme.example.com", org) == "dpo"
    client.post("/logout", data={"csrf_token": admin.token("/orgs/acme/members/")})
    assert auth.login("bob@acme.example.com", password).status_code == 302
    assert client.get("/orgs/acme/").status_code == 200


@pytest.mark.parametrize("email, message", [
    ("not-an-address", "Enter a valid e-mail address."),
    ("", "Give the person's e-mail address."),
    ("admin@acme.example.com", "this person is already a member: change the role in the list"),
])
def test_bad_additions_are_refused_at_the_email_field_and_write_nothing(admin, org, session, count, email, message):
    users, memberships, entries = count(User), count(Membership), count(AuditEntry)
    response = admin.submit("/orgs/acme/members/", {"email": email, "role": "auditor"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="email-error">[^<]*' + re.escape(message), page)
    assert (count(User), count(Membership), count(AuditEntry)) == (users, memberships, entries)


def test_changing_a_role_is_audited_with_before_and_after(admin, org, session, sign_in):
    carol = accounts.create_user(session, "carol@acme.example.com", "a long enough password")
    accounts.grant(session, carol, org, "auditor")
    session.commit()
    token = admin.token("/orgs/acme/members/")
    response = admin.client.post(f"/orgs/acme/members/{carol.id}/role", data={"csrf_token": token, f"m{carol.id}-role": "dpo"})
    assert response.status_code == 302
    assert role_of(session, "carol@acme.example.com", org) == "dpo"
    entry = membership_audit(session, org)[-1]
    assert (entry.action, entry.before["role"], entry.after["role"]) == ("update", "auditor", "dpo")


def test_the_last_admin_can_neither_leave_nor_be_demoted(admin, org, session, count):
    me = accounts.find_user(session, "admin@acme.example.com")
    token = admin.token("/orgs/acme/members/")
    before = count(AuditEntry)
    admin.client.post(f"/orgs/acme/members/{me.id}/role", data={"csrf_token": token, f"m{me.id}-role": "auditor"})
    admin.client.post(f"/orgs/acme/members/{me.id}/remove", data={"csrf_token": token})
    page = admin.client.get("/orgs/acme/members/").get_data(as_text=True)
    assert page.count("the organisation needs at least one admin") == 2
    assert role_of(session, "admin@acme.example.com", org) == "admin" and count(AuditEntry) == before


def test_a_removed_member_no_longer_sees_the_register(admin, org, session, client):
    dave = accounts.create_user(session, "dave@acme.example.com", "a long enough password")
    accounts.grant(session, dave, org, "dpo")
    session.commit()
    token = admin.token("/orgs/acme/members/")
    assert admin.client.post(f"/orgs/acme/members/{dave.id}/remove", data={"csrf_token": token}).status_code == 302
    assert role_of(session, "dave@acme.example.com", org) is None
    assert membership_audit(session, org)[-1].after is None
    token = accounts.open_session(session, accounts.find_user(session, "dave@acme.example.com"))
    session.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
    assert client.get("/orgs/acme/").status_code == 404


def test_member_changes_without_the_csrf_token_are_refused(admin, org, session, count):
    me = accounts.find_user(session, "admin@acme.example.com")
    users = count(User)
    assert admin.client.post("/orgs/acme/members/", data={"email": "eve@acme.example.com", "role": "admin"}).status_code == 400
    assert admin.client.post(f"/orgs/acme/members/{me.id}/remove").status_code == 400
    assert count(User) == users and role_of(session, "admin@acme.example.com", org) == "admin"


def test_a_member_of_another_organisation_cannot_be_changed_from_here(admin, org, make_org, session):
    other = make_org("other")
    frank = accounts.create_user(session, "frank@other.example.com", "a long enough password")
    accounts.grant(session, frank, other, "admin")
    session.commit()
    token = admin.token("/orgs/acme/members/")
    assert admin.client.post(f"/orgs/acme/members/{frank.id}/remove", data={"csrf_token": token}).status_code == 404
    assert role_of(session, "frank@other.example.com", other) == "admin"


def test_the_members_page_is_in_french_when_french_is_chosen(admin):
    admin.client.get("/lang/fr")
    page = admin.client.get("/orgs/acme/members/").get_data(as_text=True)
    assert "Ajouter une personne" in page and "Auditeur : consulte le registre" in page


def test_an_admin_who_leaves_while_another_admin_stays_lands_on_the_home_page(admin, org, session):
    other = accounts.create_user(session, "grace@acme.example.com", "a long enough password")
    accounts.grant(session, other, org, "admin")
    session.commit()
    me = accounts.find_user(session, "admin@acme.example.com")
    token = admin.token("/orgs/acme/members/")
    response = admin.client.post(f"/orgs/acme/members/{me.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert role_of(session, "admin@acme.example.com", org) is None
    assert admin.client.get("/orgs/acme/members/").status_code == 404
