"""Settings read from the environment, with safe defaults for the embedded SQLite set-up."""

import os
from pathlib import Path

DEMO_SECRET_KEY = "demo-secret-key-not-for-production"


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
        "SECRET_KEY": os.environ.get("REGISTRY_SECRET_KEY", DEMO_SECRET_KEY),
        "DATABASE_URL": database_url(instance_path),
        "BABEL_DEFAULT_LOCALE": "fr",
        "REGISTRY_LANGUAGES": ("fr", "en"),
    }
