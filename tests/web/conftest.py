"""Web fixtures: an organisation, record factories, and a client that posts forms with their CSRF token."""

import re

import pytest

from registry.models import Organisation, User
from registry.services import activities, clients, measures, retention, subprocessors, transfers
from registry.services import users as accounts

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class FormClient:
    """Posts a form the way a browser does: opens the form page first and sends back its CSRF token."""

    def __init__(self, client):
        self.client = client

    def token(self, url: str) -> str:
        page = self.client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        return TOKEN.search(page.get_data(as_text=True)).group(1)

    def submit(self, url: str, data: dict, form_url: str | None = None):
        return self.client.post(url, data={**data, "csrf_token": self.token(form_url or url)})


@pytest.fixture
def sign_in(client, session):
    """Open a login session for a member of an organisation and hand its cookie to the test client.

    The login form itself (argon2 hashing, rate limit, CSRF) is tested in test_auth.py; these tests
    are about the register's pages, so they skip the password work that would dominate their time.
    """

    def run(email: str, role: str, org) -> object:
        user = accounts.find_user(session, email)
        if user is None:
            user = User(email=email, password_hash="not used: signed in by a test fixture")
            session.add(user)
            session.flush()
        accounts.grant(session, user, org, role)
        token = accounts.open_session(session, user)
        session.commit()
        with client.session_transaction() as cookie:
            cookie["_user_id"] = token
            cookie["_fresh"] = True
        client.get("/lang/en")
        return client

    return run


@pytest.fixture
def en(sign_in, org):
    """The test client signed in as the DPO of ACME, with the interface in English (the messages' source)."""
    return sign_in("dpo@acme.example.com", "dpo", org)


@pytest.fixture
def as_role(sign_in, org):
    """The test client signed in with a given role in ACME (English interface)."""
    return lambda role: sign_in(f"{role}@acme.example.com", role, org)


@pytest.fixture
def forms(en):
    return FormClient(en)


@pytest.fixture
def make_org(session):
    def make(slug="acme", **overrides):
        org = Organisation(slug=slug, legal_name=overrides.pop("legal_name", slug.upper() + " SAS"), country="FR", **overrides)
        session.add(org)
        session.commit()
        return org

    return make


@pytest.fixture
def org(make_org):
    return make_org()


@pytest.fixture
def make_subprocessor(session, org):
    def make(target=None, **overrides):
        # Identified as Art. 30(2)(a) asks (fictional address and contact), so that tests see only their own flags.
        data = {"legal_name": "OVH SAS", "country": "FR", "status": "active", "locations": [{"country": "FR"}],
                "address": "1 rue de l'Exemple, 59000 Lille", "contact_name": "Privacy team",
                "contact_email": "privacy@example.com"}
        obj, _ = subprocessors.create_subprocessor(session, target or org, {**data, **overrides}, "test")
        session.commit()
        return obj

    return make


@pytest.fixture
def make_activity(session, org):
    def make(target=None, **overrides):
        data = {"reference": "RH-01", "name": "Payroll", "role": "controller", "status": "active",
                "purposes": [{"purpose": "Pay staff", "legal_basis": "art6_1_c"}]}
        obj, _ = activities.create_activity(session, target or org, {**data, **overrides}, "test")
        session.commit()
        return obj

    return make


@pytest.fixture
def make_client(session, org):
    def make(target=None, **overrides):
        obj, _ = clients.create_client(session, target or org, {"legal_name": "Client SA", **overrides}, "test")
        session.commit()
        return obj

    return make


@pytest.fixture
def make_measure(session, org):
    def make(target=None, **overrides):
        data = {"heading": "backup", "title": "Daily backups"}
        obj, _ = measures.create_measure(session, target or org, {**data, **overrides}, "test")
        session.commit()
        return obj

    return make


@pytest.fixture
def make_transfer(session, org):
    def make(target=None, **overrides):
        data = {"recipient": "Importer Inc.", "destination_country": "US", "mechanism": "scc", "scc_module": 2}
        obj, _ = transfers.create_transfer(session, target or org, {**data, **overrides}, "test")
        session.commit()
        return obj

    return make


@pytest.fixture
def make_rule(session, org):
    def make(target=None, **overrides):
        data = {"kind": "fixed", "value": 6, "unit": "days", "covers_backups": True}
        obj, _ = retention.create_rule(session, target or org, {**data, **overrides}, "test")
        session.commit()
        return obj

    return make


@pytest.fixture
def count(session):
    """How many rows a table holds now, read fresh from the database."""
    from sqlalchemy import func, select

    def rows(model) -> int:
        session.expire_all()
        return session.scalar(select(func.count()).select_from(model))

    return rows
