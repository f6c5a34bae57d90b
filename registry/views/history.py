"""A record's History section: its audit entries, newest first, with the old and new value of each changed field."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, SQLModel

from registry import audit

ACTIONS = {"create": _l("Creation"), "update": _l("Modification"), "delete": _l("Deletion")}
# Bookkeeping columns every save changes: listing them would hide the change the person made.
NOISE = {"version", "updated_at", "created_at"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Event:
    at: datetime
    actor: str
    action: str
    changes: list[Change]

    @property
    def when(self) -> str:
        return format_datetime(self.at, "medium")


def shown_value(value) -> str:
    """A value of the audit snapshot as plain text (escaped by the template like any user text)."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def record_history(session: Session, obj: SQLModel) -> list[Event]:
    """Art. 5(2) accountability: who created and changed this record, and how, newest first."""
    events = []
    for entry in reversed(audit.history(session, type(obj).__tablename__, obj.id)):
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)  # stored in UTC; SQLite drops the zone
        changed = audit.changes(entry.before, entry.after) if entry.action == "update" else {}
        changes = [Change(name, shown_value(old), shown_value(new)) for name, (old, new) in changed.items()
                   if name not in NOISE]
        events.append(Event(at, entry.actor, str(ACTIONS.get(entry.action, entry.action)), changes))
    return events
