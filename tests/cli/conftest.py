"""Fixtures of the shell tests."""

import pytest

from registry.models import Organisation


@pytest.fixture
def empty_org(session):
    """An organisation with nothing in it, slug `cnil`, for imports."""
    org = Organisation(slug="cnil", legal_name="Empty", country="FR")
    session.add(org)
    session.commit()
    return org
