"""Under REGISTRY_ENV=production the app takes its secrets from the environment and never loads the demo."""

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from registry import create_app
from registry.config import DEMO_SECRET_KEY, ConfigError
from registry.models import Organisation

GOOD_KEY = "k" * 64


@pytest.fixture
def production(monkeypatch, database_url):
    """The environment of a production start, on the test's database; each test removes what it tests."""
    monkeypatch.setenv("REGISTRY_ENV", "production")
    monkeypatch.setenv("REGISTRY_SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("REGISTRY_DATABASE_URL", database_url)
    monkeypatch.setenv("REGISTRY_BASE_URL", "https://registre.example.org")
    apps = []
    yield lambda: apps.append(create_app()) or apps[-1]
    for app in apps:
        app.extensions["registry.engine"].dispose()


def test_production_starts_with_its_own_key_and_secure_cookies(production):
    app = production()
    assert app.config["SECRET_KEY"] == GOOD_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret_key(production, monkeypatch):
    monkeypatch.delenv("REGISTRY_SECRET_KEY")
    with pytest.raises(ConfigError, match="REGISTRY_SECRET_KEY"):
        production()


def test_production_refuses_to_start_with_the_demo_secret_key(production, monkeypatch):
    monkeypatch.setenv("REGISTRY_SECRET_KEY", DEMO_SECRET_KEY)
    with pytest.raises(ConfigError, match="needs its own secret key: set REGISTRY_SECRET_KEY"):
        production()


def test_production_refuses_a_short_secret_key(production, monkeypatch):
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "secret")
    with pytest.raises(ConfigError, match="at least 32"):
        production()


def test_production_refuses_to_start_without_a_database_url(production, monkeypatch):
    monkeypatch.delenv("REGISTRY_DATABASE_URL")
    with pytest.raises(ConfigError, match="REGISTRY_DATABASE_URL"):
        production()


def test_production_refuses_to_start_without_an_external_base_url(production, monkeypatch):
    monkeypatch.delenv("REGISTRY_BASE_URL")
    with pytest.raises(ConfigError, match="REGISTRY_BASE_URL"):
        production()


def test_a_misspelt_environment_name_refuses_to_start(production, monkeypatch):
    monkeypatch.setenv("REGISTRY_ENV", "prod")
    with pytest.raises(ConfigError, match="REGISTRY_ENV is 'prod'"):
        production()


@pytest.mark.parametrize("command", [["seed-demo"], ["serve-demo", "--port", "1"]])
def test_demo_commands_refuse_production_and_write_nothing(production, command):
    app = production()
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert "never loaded into a production database" in result.output
    with Session(app.extensions["registry.engine"]) as s:
        assert s.execute(select(func.count()).select_from(Organisation)).scalar_one() == 0
