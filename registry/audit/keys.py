"""The audit trail's HMAC key and head file: both outside the database, found per database engine.

The key is 32 random bytes in a file of its own (instance/audit.key unless REGISTRY_AUDIT_KEY_FILE names
another), created readable by its owner only on first use. Whoever can write the database but not read this
file cannot compute an entry's HMAC, so cannot rewrite, append to or re-chain the trail unnoticed.
"""

import hashlib
import hmac
import os
import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

# Bound into every MAC so that the key, should it ever be reused, cannot authenticate anything else.
DOMAIN = b"registry audit entry v1\n"
PLAIN_ENTRIES = "plain-entries"


class AuditKeyError(RuntimeError):
    """The audit key cannot be used: the message names the file and what to do."""


@dataclass(frozen=True)
class TrailKey:
    """The secret, and how many entries the trail held, with plain SHA-256 hashes, when the key was made.

    That count is written in the key file beside the key, outside the database: a writer who rewrites the
    whole trail with plain hashes cannot pass it off as written before keying.
    """

    secret: bytes = field(repr=False)
    plain_entries: int = 0


@dataclass
class TrailFiles:
    """Where one database's trail keeps its key and exports its head; paths are resolved when first needed."""

    key_file: Callable[[], Path]
    head_file: Callable[[], Path | None]  # None: this engine's heads are not exported after commits
    _key: TrailKey | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self, plain_entries: Callable[[], int | None] | None = None) -> TrailKey | None:
        """The key. A missing file is created when `plain_entries()` gives the number of entries, all unkeyed,
        the trail holds (0 for an empty trail); None there means keyed entries exist and the key is lost.

        Without `plain_entries` (verification), a missing file gives None: reading never creates anything.
        """
        with self._lock:
            if self._key is None:
                path = self.key_file()
                if not path.exists():
                    if plain_entries is None:
                        return None
                    count = plain_entries()
                    if count is None:
                        raise AuditKeyError(
                            f"the audit trail holds keyed entries but its key file {path} is missing: restore it "
                            "from its backup (a new key would leave every existing entry unverifiable)")
                    create_key_file(path, count)
                self._key = read_key(path)
            return self._key


_FILES: "weakref.WeakKeyDictionary[Engine, TrailFiles]" = weakref.WeakKeyDictionary()


def configure(engine: Engine, key_file: Callable[[], Path], head_file: Callable[[], Path]) -> None:
    """Tell the trail where the key and head file of this engine's database live (the app does it at start-up)."""
    _FILES[engine] = TrailFiles(key_file, head_file)


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


# An engine made outside the app (a script, a benchmark, a test's writer process): the key named by the
# environment, else the one in the repository's instance folder (the app's default); heads are exported only
# to a file the environment names, never to the app's own head file, which belongs to the app's database.
_OUTSIDE_THE_APP = TrailFiles(
    key_file=lambda: _env_path("REGISTRY_AUDIT_KEY_FILE") or Path(__file__).resolve().parents[2] / "instance" / "audit.key",
    head_file=lambda: _env_path("REGISTRY_AUDIT_HEAD_FILE"),
)


def files_of(session: Session) -> TrailFiles:
    bind = session.get_bind()
    return _FILES.get(getattr(bind, "engine", bind), _OUTSIDE_THE_APP)


def create_key_file(path: Path, plain_entries: int = 0) -> None:
    """32 random bytes as hex, and the count of unkeyed entries before it, written to a temporary file then
    linked into place: two processes starting at once end up with the same key, and the file is never seen
    half-written or readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(f"{secrets.token_hex(32)}\n{PLAIN_ENTRIES} {plain_entries}\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
    finally:
        tmp.unlink(missing_ok=True)


def read_key(path: Path) -> TrailKey:
    """The key on the first line; `plain-entries N` on another (absent: no unkeyed entry is accepted)."""
    lines = path.read_text("ascii").split()
    try:
        key = bytes.fromhex(lines[0] if lines else "")
        plain = int(lines[lines.index(PLAIN_ENTRIES) + 1]) if PLAIN_ENTRIES in lines else 0
    except (ValueError, IndexError):
        message = f"the audit key file {path} does not hold a hexadecimal key and its count of plain entries"
        raise AuditKeyError(message) from None
    if len(key) < 32:
        raise AuditKeyError(f"the audit key in {path} is {len(key)} bytes: at least 32 are needed")
    return TrailKey(key, plain)


def mac(key: bytes, body: bytes) -> str:
    """HMAC-SHA256 of an entry's canonical body, as 64 hex digits (the width of the plain hashes it replaces)."""
    return hmac.new(key, DOMAIN + body, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
