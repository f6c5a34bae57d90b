"""The head file: an append-only log, outside the database, of the chain's position and HMAC after each write.

One line per export, `SEQ MAC EXPORTED_AT`. The app only ever appends (O_APPEND, one write per line, fsync);
the operating system can enforce it (`chattr +a` on Linux) and the file can be shipped elsewhere. A database
writer who truncates, rewinds or rewrites the trail cannot make it agree with a line already written here.
"""

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_LINE = re.compile(r"^(\d{1,18}) ([0-9a-f]{64}) (\S+)$")


@dataclass(frozen=True)
class ExportedHead:
    line: int
    seq: int
    mac: str
    at: str


class HeadFileError(ValueError):
    """The head file is missing or has a line that is not an exported head."""


def append(path: Path, seq: int, mac: str, at: datetime) -> None:
    """Add one line; concurrent appends from several workers do not interleave (one short O_APPEND write each)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{seq} {mac} {at.isoformat()}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path) -> list[ExportedHead]:
    """Every exported head, in file order (workers committing at once may append them slightly out of order)."""
    try:
        text = path.read_text("ascii", errors="replace")
    except FileNotFoundError:
        raise HeadFileError(f"no head file at {path}: export the head first (audit-export-head)") from None
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _LINE.match(raw.strip())
        if match is None:
            raise HeadFileError(f"{path} line {number} is not an exported head (SEQ MAC TIME)")
        out.append(ExportedHead(number, int(match[1]), match[2], match[3]))
    return out
