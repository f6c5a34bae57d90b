"""A record's History section: its audit entries, newest first, each changed field by the label of its form field
and its old and new value as the form shows them (vocabulary labels, country names, dates in the interface's format).

The audit trail keeps the stored values; only their display is translated here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, SQLModel
from wtforms import BooleanField, DateField, Field, FieldList, Form, FormField, IntegerField, SelectFieldBase

from registry import audit
from registry.forms import CountryField, TriStateField
from registry.forms.breaches import LocalDateTimeField
from registry.services import mail as mail_service
from registry.views.formatting import country_text, date_text, datetime_text, number

ACTIONS = {"create": _l("Creation"), "update": _l("Modification"), "delete": _l("Deletion")}
# Bookkeeping columns every save changes: listing them would hide the change the person made.
NOISE = {"version", "updated_at", "created_at"}
# The audit snapshot keeps a record's links under these names; its form picks them in these fields.
LINK_FIELDS = {"activities": "activity_ids", "clients": "client_ids", "subprocessors": "subprocessor_ids",
               "measures": "measure_ids"}
LINK_LABELS = {"activities": _l("Processing activities"), "clients": _l("Client controllers"),
               "subprocessors": _l("Sub-processors"), "measures": _l("Security measures")}
NOT_RECORDED = "—"


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Event:
    at: datetime
    actor: str
    action: str
    changes: list[Change]
    note: str | None = None  # a message's recipient, subject and outcome (no field changed)

    @property
    def when(self) -> str:
        return datetime_text(self.at)


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def shown_value(value, field: Field | None = None) -> str:
    """A value of the audit snapshot as the form `field` shows it, as plain text (the template escapes it)."""
    if _empty(value):
        return NOT_RECORDED
    if isinstance(field, BooleanField | TriStateField):
        return _("Yes") if value else _("No")
    if isinstance(field, FieldList):
        return "; ".join(shown_value(row, _row_field(field)) for row in value)
    if isinstance(field, FormField) and isinstance(value, dict):
        return row_text(field.form, value)
    if isinstance(field, CountryField):
        return country_text(value)
    if isinstance(field, SelectFieldBase):
        choices = {str(choice[0]): str(choice[1]) for choice in field.iter_choices()}
        items = value if isinstance(value, list) else [value]
        return ", ".join(choices.get(str(item), str(item)) for item in items)
    if isinstance(field, LocalDateTimeField):
        return datetime_text(_instant(value), field.tz)
    if isinstance(field, DateField):
        return date_text(date.fromisoformat(str(value)[:10]))
    if isinstance(field, IntegerField) and isinstance(value, int):
        return number(value)
    return _plain(value)


def _plain(value) -> str:
    """A value no form field describes: still no JSON, no True/False."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value if not _empty(v)) or NOT_RECORDED
    if isinstance(value, dict):
        return " · ".join(_plain(v) for v in value.values() if not _empty(v)) or NOT_RECORDED
    return str(value)


def _instant(value) -> datetime:
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _row_field(rows: FieldList) -> Field:
    """A field of the kind each row of a repeatable list is, built apart so the shown form keeps its rows."""
    holder = type("Row", (Form,), {"row": rows.unbound_field})()
    return holder.row


def row_text(row: Form, value: dict) -> str:
    """One row (a location, a purpose) as its answers in the form's order, the empty ones left out."""
    parts = [shown_value(value.get(name), field) for name, field in row._fields.items() if not _empty(value.get(name))]
    return " · ".join(parts) or NOT_RECORDED


def describe(form: Form | None, name: str) -> tuple[str, Field | None]:
    """The label of a snapshot's field `name` in `form`, and the form field that shows its value."""
    fields = form._fields if form is not None else {}
    field = fields.get(LINK_FIELDS.get(name, name))
    if field is not None:
        return str(field.label.text), field
    if name in LINK_LABELS:
        return str(LINK_LABELS[name]), None
    for other in fields.values():  # a yes/no column the form asks as one option of a multiple choice (a nature)
        if isinstance(other, SelectFieldBase) and not isinstance(other, CountryField):
            for choice in other.iter_choices():
                if str(choice[0]) == name:
                    return str(choice[1]), None
    return name, None


@dataclass
class Rows:
    """How a snapshot's list of child rows (a change's notices, its objections) is shown: each row found by `key`
    and named by `title`, its answers by the fields of `form`, or by `others` (`name: (label, text)`) for the
    values no form asks. Names in `hidden` (the row's links) are never shown: the title says them."""

    form: Form
    title: Callable[[dict], str]
    key: str = "id"
    others: dict = field(default_factory=dict)
    hidden: frozenset = frozenset({"id"})


def _row_summary(rows: Rows, row: dict) -> str:
    """A row added or removed: each answer after its label ("Received on: June 15, 2026 · Grounds: ..."), in the
    form's order, then the others; the empty ones left out."""
    colon = _(": ")
    parts = [f"{f.label.text}{colon}{shown_value(row.get(name), f)}" for name, f in rows.form._fields.items()
             if not _empty(row.get(name))]
    parts += [f"{label}{colon}{text(row[name])}" for name, (label, text) in rows.others.items()
              if not _empty(row.get(name))]
    return " · ".join(parts) or NOT_RECORDED


def row_changes(name: str, rows: Rows, old: list | None, new: list | None) -> list[Change]:
    """What changed in a list of rows: a row added or removed as a whole, a kept row answer by answer, each
    labelled "<row title> · <field label>"."""
    before = {row.get(rows.key): row for row in old or [] if isinstance(row, dict)}
    after = {row.get(rows.key): row for row in new or [] if isinstance(row, dict)}
    out = []
    for key in [*before, *(k for k in after if k not in before)]:
        was, now = before.get(key), after.get(key)
        if was is None or now is None:
            row = now if was is None else was
            text = _row_summary(rows, row)
            out.append(Change(name, rows.title(row), *((NOT_RECORDED, text) if was is None else (text, NOT_RECORDED))))
            continue
        changed = {f: (was.get(f), now.get(f)) for f in dict.fromkeys([*was, *now])
                   if f not in rows.hidden and f != rows.key and was.get(f) != now.get(f)}
        title = rows.title(now)
        out += [Change(f"{name}.{c.field}", f"{title} · {c.label}", c.old, c.new)
                for c in field_changes(rows.form, changed, rows.others)]
    return out


def field_changes(form: Form | None, changed: dict[str, tuple], others: dict | None = None,
                  rows: dict[str, Rows] | None = None) -> list[Change]:
    """Changed fields `{name: (old, new)}` of a snapshot as the form shows them, bookkeeping left out.

    `others` gives `name: (label, text)` for values the form does not hold (a list's computed columns);
    `rows` how each list of child rows the snapshot keeps is shown (see `Rows`)."""
    out = []
    for name, (old, new) in changed.items():
        if name in NOISE:
            continue
        if name in (rows or {}):
            out += row_changes(name, rows[name], old, new)
            continue
        if name in (others or {}):
            label, text = others[name]
            out.append(Change(name, str(label), *(text(v) if not _empty(v) else NOT_RECORDED for v in (old, new))))
            continue
        label, field = describe(form, name)
        out.append(Change(name, label, shown_value(old, field), shown_value(new, field)))
    return out


def record_history(session: Session, obj: SQLModel, form: Form | None = None, others: dict | None = None,
                   rows: dict[str, Rows] | None = None) -> list[Event]:
    """Art. 5(2) accountability: who created and changed this record, and how, newest first.

    `form` is the record's form (its choices prepared): it names the fields and shows their values; `others` and
    `rows` show the values it does not ask (see `field_changes`).
    """
    events = []
    for entry in reversed(audit.history(session, type(obj).__tablename__, obj.id)):
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)  # stored in UTC; SQLite drops the zone
        changed = audit.changes(entry.before, entry.after) if entry.action == "update" else {}
        action = str(ACTIONS.get(entry.action, entry.action))
        events.append(Event(at, entry.actor, action, field_changes(form, changed, others, rows)))
    events += mail_events(session, obj)
    return sorted(events, key=lambda e: e.at, reverse=True)


# The kind a message names its record by, per table (registry.models.mail.RELATED_KINDS).
MAIL_KINDS = {"breach": "breach", "subprocessor_change": "change", "activity": "activity", "subprocessor": "subprocessor",
              "data_request": "request", "transfer": "transfer", "client_controller": "client"}
MAIL_ACTIONS = {"queued": _l("E-mail on its way"), "sent": _l("E-mail sent"), "failed": _l("E-mail not delivered"),
                "outbox": _l("E-mail in the outbox (not sent)")}


def mail_events(session: Session, obj: SQLModel) -> list[Event]:
    """Every message about the record, as it stands: sent (at the server's acceptance), failed, in the outbox or on
    its way (at its creation), with its recipient, subject and the server's answer."""
    kind = MAIL_KINDS.get(type(obj).__tablename__)
    org_id = getattr(obj, "organisation_id", None)
    if kind is None or org_id is None or obj.id is None:
        return []
    out = []
    for m in mail_service.messages_about(session, org_id, kind, obj.id):
        note = f"{m.to_address} · {m.subject}"
        if m.status != "sent" and m.server_answer:
            note += f" · {m.server_answer}"
        out.append(Event(m.sent_at or m.created_at, m.actor, str(MAIL_ACTIONS.get(m.status, m.status)), [], note))
    return out
