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


class AuditKeyError(RuntimeError):
    """The audit key cannot be used: the message names the file and what to do."""


@dataclass
class TrailFiles:
    """Where one database's trail keeps its key and exports its head; paths are resolved when first needed."""

    key_file: Callable[[], Path]
    head_file: Callable[[], Path]
    _key: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self, may_create: Callable[[], bool] | None = None) -> bytes | None:
        """The key; a missing file is created only when `may_create()` says the trail holds no keyed entry.

        Without `may_create` (verification), a missing file gives None: nothing is ever created by reading.
        """
        with self._lock:
            if self._key is None:
                path = self.key_file()
                if not path.exists():
                    if may_create is None:
                        return None
                    if not may_create():
                        raise AuditKeyError(
                            f"the audit trail holds keyed entries but its key file {path} is missing: restore it "
                            "from its backup (a new key would leave every existing entry unverifiable)")
                    create_key_file(path)
                self._key = read_key(path)
            return self._key


_FILES: "weakref.WeakKeyDictionary[Engine, TrailFiles]" = weakref.WeakKeyDictionary()


def configure(engine: Engine, key_file: Callable[[], Path], head_file: Callable[[], Path]) -> None:
    """Tell the trail where the key and head file of this engine's database live (the app does it at start-up)."""
    _FILES[engine] = TrailFiles(key_file, head_file)


def files_of(session: Session) -> TrailFiles:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    try:
        return _FILES[engine]
    except KeyError:
        raise AuditKeyError("no audit key is configured for this database engine (registry.db.init_db does it)") from None


def create_key_file(path: Path) -> None:
    """32 random bytes as hex, written to a temporary file then linked into place: two processes starting at once
    end up with the same key, and the file is never seen half-written or readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
    finally:
        tmp.unlink(missing_ok=True)


def read_key(path: Path) -> bytes:
    text = path.read_text("ascii").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise AuditKeyError(f"the audit key file {path} does not hold a hexadecimal key") from None
    if len(key) < 32:
        raise AuditKeyError(f"the audit key in {path} is {len(key)} bytes: at least 32 are needed")
    return key


def mac(key: bytes, body: bytes) -> str:
    """HMAC-SHA256 of an entry's canonical body, as 64 hex digits (the width of the plain hashes it replaces)."""
    return hmac.new(key, DOMAIN + body, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
