"""Settings read from the environment, with safe defaults for the embedded SQLite set-up.

Background work (registry/jobs): REGISTRY_REDIS_URL puts the task queue in Redis (workers on several machines);
without it the queue is an SQLite file (REGISTRY_QUEUE_FILE, default instance/queue.db) on this machine only.
REGISTRY_EXPORTS_DIR is where finished exports wait for their download (a folder every worker and web server
shares); REGISTRY_CACHE_DIR the render cache every worker shares (default: `cache` in the exports folder);
REGISTRY_ANNEXES_PER_TASK how many annexes one task of a fanned-out batch prints; REGISTRY_EXPORTS_PER_ORG /
REGISTRY_EXPORTS_RUNNING bound the exports running at once, per organisation and for the installation;
REGISTRY_EXPORT_KEEP_HOURS is how long a finished file stays;
REGISTRY_JOB_STALE_SECONDS is how long a running job may go without a sign of life before it is marked failed;
REGISTRY_WORKER_MAX_TASKS how many tasks a worker process runs before it is replaced by a fresh one (0: never).

E-mail (registry/jobs/mail.py): REGISTRY_SMTP_URL (smtp://, smtp+starttls:// or smtps://, with user:password@host:port)
is the server messages are handed to, from REGISTRY_MAIL_FROM; without it every message stays in the outbox
(REGISTRY_OUTBOX_DIR, default instance/outbox/) as an .eml file: not sent. REGISTRY_MAIL_RETRIES tries at most, the
first retry REGISTRY_MAIL_RETRY_SECONDS after a temporary failure and each next one twice as late;
REGISTRY_SMTP_TIMEOUT bounds each conversation with the server; REGISTRY_SMTP_CA_FILE names the authority that signed
the server's certificate when it is not one the system trusts (TLS is always verified).

REGISTRY_ENV=production turns the defaults into refusals: the secret key and the database URL must then come
from the environment (REGISTRY_SECRET_KEY, REGISTRY_DATABASE_URL), and the demo data is never loaded.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

from registry.domain import mail

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


# Bounds and lifetimes, each read from the environment variable of the same name (README, "Limits").
NUMBERS = {
    "REGISTRY_MAX_FORM_BYTES": 2 * 1024 * 1024,  # any request body but an upload: refused with 413 unread
    "REGISTRY_MAX_UPLOAD_BYTES": 20 * 1024 * 1024,  # a contract file
    "REGISTRY_CONTRACT_CPU_SECONDS": 30,
    "REGISTRY_CONTRACT_MEMORY_MB": 768,
    "REGISTRY_CONTRACT_TIMEOUT_SECONDS": 60,
    "REGISTRY_LOGIN_ACCOUNT_LIMIT": 5,  # failed logins per account per window
    "REGISTRY_LOGIN_ADDRESS_LIMIT": 50,  # failed logins per client address per window, whatever the account
    "REGISTRY_LOGIN_WINDOW_MINUTES": 15,
    "REGISTRY_SESSION_IDLE_MINUTES": 8 * 60,
    "REGISTRY_SESSION_MAX_DAYS": 30,
    "REGISTRY_PROXY_HOPS": 1,  # proxies in front of the app that each add an X-Forwarded-For entry
    "REGISTRY_NOTICE_LINK_LIMIT": 30,  # requests to clients' notice links per client address per login window
    "REGISTRY_MAIL_RETRIES": 5,  # tries of one message before it is failed (a 5xx answer fails it at once)
    "REGISTRY_MAIL_RETRY_SECONDS": 60,  # before the first retry; doubled before each next one
    "REGISTRY_SMTP_TIMEOUT": 30,  # seconds for each conversation with the SMTP server
    # A previewed workbook with more activities than this imports through the task queue, its page showing how far.
    "REGISTRY_IMPORT_INLINE_ACTIVITIES": 200,
}
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def _number(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} is {raw!r}: give a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name} is {value}: give at least {minimum}")
    return value


def _list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def load(instance_path: str) -> dict:
    settings = {
        "REDIS_URL": os.environ.get("REGISTRY_REDIS_URL", "").strip() or None,
        "QUEUE_NAME": os.environ.get("REGISTRY_QUEUE_NAME", "").strip() or "registry",
        "QUEUE_FILE": os.environ.get("REGISTRY_QUEUE_FILE", "").strip() or str(Path(instance_path) / "queue.db"),
        "EXPORTS_DIR": os.environ.get("REGISTRY_EXPORTS_DIR", "").strip() or None,
        # The content-keyed render cache (chunks, annexes): unset, `cache` inside the exports folder.
        "CACHE_DIR": os.environ.get("REGISTRY_CACHE_DIR", "").strip() or None,
        "ANNEXES_PER_TASK": _number("REGISTRY_ANNEXES_PER_TASK", 25),
        "EXPORTS_PER_ORG": _number("REGISTRY_EXPORTS_PER_ORG", 2),
        "EXPORTS_RUNNING": _number("REGISTRY_EXPORTS_RUNNING", 4),
        "EXPORT_KEEP_HOURS": _number("REGISTRY_EXPORT_KEEP_HOURS", 24),
        "JOB_STALE_SECONDS": _number("REGISTRY_JOB_STALE_SECONDS", 120, minimum=10),
        # A worker process is replaced by a fresh one after this many tasks (its memory back to the start).
        "WORKER_MAX_TASKS": _number("REGISTRY_WORKER_MAX_TASKS", 20, minimum=0),
        "REGISTRY_ENV": os.environ.get("REGISTRY_ENV", "development"),
        "SECRET_KEY": os.environ.get("REGISTRY_SECRET_KEY", DEMO_SECRET_KEY),
        "DATABASE_URL": database_url(instance_path),
        "DATABASE_URL_FROM_ENV": bool(os.environ.get("REGISTRY_DATABASE_URL")),
        "BABEL_DEFAULT_LOCALE": "fr",
        "REGISTRY_LANGUAGES": ("fr", "en"),
        # Outside the database by design; unset, both live in the instance folder (see registry.audit.keys).
        "REGISTRY_AUDIT_KEY_FILE": os.environ.get("REGISTRY_AUDIT_KEY_FILE"),
        "REGISTRY_AUDIT_HEAD_FILE": os.environ.get("REGISTRY_AUDIT_HEAD_FILE"),
        # Links that leave the site (feed, e-mail) are built on this, never on the request's Host header.
        "REGISTRY_BASE_URL": os.environ.get("REGISTRY_BASE_URL", "").strip(),
        # Addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For is believed.
        "REGISTRY_TRUSTED_PROXIES": _list("REGISTRY_TRUSTED_PROXIES"),
        # Unset: no message leaves the machine, each waits in the outbox folder.
        "REGISTRY_SMTP_URL": os.environ.get("REGISTRY_SMTP_URL", "").strip() or None,
        "REGISTRY_MAIL_FROM": os.environ.get("REGISTRY_MAIL_FROM", "").strip() or None,
        "REGISTRY_OUTBOX_DIR": os.environ.get("REGISTRY_OUTBOX_DIR", "").strip() or None,
        # A private authority's certificates (PEM) to verify the SMTP server's, instead of the system's.
        "REGISTRY_SMTP_CA_FILE": os.environ.get("REGISTRY_SMTP_CA_FILE", "").strip() or None,
    }
    settings.update({name: _number(name, default) for name, default in NUMBERS.items()})
    # Days a client's notice link still opens after its objection deadline (0: it expires the day after).
    settings["REGISTRY_NOTICE_LINK_GRACE_DAYS"] = _number("REGISTRY_NOTICE_LINK_GRACE_DAYS", 60, minimum=0)
    return settings


def is_production(config) -> bool:
    return config.get("REGISTRY_ENV") == "production"


def check(config) -> None:
    """Refuse to start on settings that are unsafe in production (checked after every override)."""
    env = config.get("REGISTRY_ENV")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"REGISTRY_ENV is {env!r}: use one of {', '.join(ENVIRONMENTS)}")
    _check_base_url(config.get("REGISTRY_BASE_URL") or "")
    _check_proxies(config.get("REGISTRY_TRUSTED_PROXIES") or ())
    _check_mail(config)
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
    if not config.get("REGISTRY_BASE_URL"):
        raise ConfigError(
            "REGISTRY_ENV=production needs REGISTRY_BASE_URL, the address people reach the register at "
            "(e.g. https://registre.example.org): feed and e-mail links are built on it, never on the Host header"
        )


def base_url(config) -> str:
    """The configured external address of the register, or the development server's when none is set."""
    return (config.get("REGISTRY_BASE_URL") or DEVELOPMENT_BASE_URL).rstrip("/")


def _check_base_url(url: str) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"REGISTRY_BASE_URL is {url!r}: give an http(s) address such as https://registre.example.org")


def mail_from(config) -> str:
    """REGISTRY_MAIL_FROM, else noreply@ the host of the register's address."""
    return config.get("REGISTRY_MAIL_FROM") or f"noreply@{urlsplit(base_url(config)).hostname or 'localhost'}"


def _check_mail(config) -> None:
    if config.get("REGISTRY_SMTP_URL"):
        try:
            mail.parse_smtp_url(config["REGISTRY_SMTP_URL"])
        except mail.SmtpUrlError as exc:
            raise ConfigError(str(exc)) from None
    sender = config.get("REGISTRY_MAIL_FROM")
    if sender and mail.header_problem(sender):
        raise ConfigError(f"REGISTRY_MAIL_FROM {mail.header_problem(sender)}: give one address, e.g. registre@example.org")


def _check_proxies(proxies) -> None:
    for item in proxies:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigError(
                f"REGISTRY_TRUSTED_PROXIES holds {item!r}: give IP addresses or networks (10.0.0.0/8), comma-separated"
            ) from None
