"""Fixtures of the JSON API tests."""

import pytest

from registry.services import users as accounts
from registry.services.organisations import get_by_slug


@pytest.fixture
def token(demo):
    """A bearer token for a user with a role in PILOTIM."""

    def make(role: str, email: str | None = None) -> dict:
        email = email or f"api-{role}@test.example.com"
        user = accounts.find_user(demo, email) or accounts.create_user(demo, email, "correct horse battery")
        accounts.grant(demo, user, get_by_slug(demo, "pilotim"), role)
        _token, clear = accounts.create_token(demo, user, "test")
        demo.commit()
        return {"Authorization": f"Bearer {clear}"}

    return make
