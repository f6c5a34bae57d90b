"""Settings read from the environment, with safe defaults for the embedded SQLite set-up.

REGISTRY_ENV=production turns the defaults into refusals: the secret key and the database URL must then come
from the environment (REGISTRY_SECRET_KEY, REGISTRY_DATABASE_URL), and the demo data is never loaded.
"""

import os
from pathlib import Path

DEMO_SECRET_KEY = "demo-secret-key-not-for-production"
ENVIRONMENTS = ("development", "production")
MIN_SECRET_KEY_LENGTH = 32
NEW_KEY_COMMAND = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


class ConfigError(RuntimeError):
    """A setting that makes the app refuse to start; the message names the variable to fix."""


def database_url(instance_path: str) -> str:
    """REGISTRY_DATABASE_URL, else an SQLite file in instance/; postgresql:// is served by psycopg 3."""
    url = os.environ.get("REGISTRY_DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'registry.db'}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def load(instance_path: str) -> dict:
    return {
        "REGISTRY_ENV": os.environ.get("REGISTRY_ENV", "development"),
        "SECRET_KEY": os.environ.get("REGISTRY_SECRET_KEY", DEMO_SECRET_KEY),
        "DATABASE_URL": database_url(instance_path),
        "DATABASE_URL_FROM_ENV": bool(os.environ.get("REGISTRY_DATABASE_URL")),
        "BABEL_DEFAULT_LOCALE": "fr",
        "REGISTRY_LANGUAGES": ("fr", "en"),
        # Outside the database by design; unset, both live in the instance folder (see registry.audit.keys).
        "REGISTRY_AUDIT_KEY_FILE": os.environ.get("REGISTRY_AUDIT_KEY_FILE"),
        "REGISTRY_AUDIT_HEAD_FILE": os.environ.get("REGISTRY_AUDIT_HEAD_FILE"),
    }


def is_production(config) -> bool:
    return config.get("REGISTRY_ENV") == "production"


def check(config) -> None:
    """Refuse to start on settings that are unsafe in production (checked after every override)."""
    env = config.get("REGISTRY_ENV")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"REGISTRY_ENV is {env!r}: use one of {', '.join(ENVIRONMENTS)}")
    if env != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if not key or key == DEMO_SECRET_KEY:
        raise ConfigError(
            "REGISTRY_ENV=production needs its own secret key: set REGISTRY_SECRET_KEY "
            f"(make one with {NEW_KEY_COMMAND}); the demo key signs sessions anyone can forge"
        )
    if len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"REGISTRY_SECRET_KEY is {len(key)} characters: production needs at least {MIN_SECRET_KEY_LENGTH} "
            f"(make one with {NEW_KEY_COMMAND})"
        )
    if not config.get("DATABASE_URL_FROM_ENV"):
        raise ConfigError(
            "REGISTRY_ENV=production needs REGISTRY_DATABASE_URL "
            "(e.g. postgresql://registry@127.0.0.1:5432/registry): production never falls back to instance/registry.db"
        )
