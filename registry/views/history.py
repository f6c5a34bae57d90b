"""A record's History section: its audit entries, newest first, each changed field by the label of its form field
and its old and new value as the form shows them (vocabulary labels, country names, dates in the interface's format).

The audit trail keeps the stored values; only their display is translated here.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, SQLModel
from wtforms import BooleanField, DateField, Field, FieldList, Form, FormField, IntegerField, SelectFieldBase

from registry import audit
from registry.forms import CountryField, TriStateField
from registry.forms.breaches import LocalDateTimeField
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


def field_changes(form: Form | None, changed: dict[str, tuple], others: dict | None = None) -> list[Change]:
    """Changed fields `{name: (old, new)}` of a snapshot as the form shows them, bookkeeping left out.

    `others` gives `name: (label, text)` for values the form does not hold (a list's computed columns)."""
    out = []
    for name, (old, new) in changed.items():
        if name in NOISE:
            continue
        if name in (others or {}):
            label, text = others[name]
            out.append(Change(name, str(label), *(text(v) if not _empty(v) else NOT_RECORDED for v in (old, new))))
            continue
        label, field = describe(form, name)
        out.append(Change(name, label, shown_value(old, field), shown_value(new, field)))
    return out


def record_history(session: Session, obj: SQLModel, form: Form | None = None) -> list[Event]:
    """Art. 5(2) accountability: who created and changed this record, and how, newest first.

    `form` is the record's form (its choices prepared): it names the fields and shows their values.
    """
    events = []
    for entry in reversed(audit.history(session, type(obj).__tablename__, obj.id)):
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)  # stored in UTC; SQLite drops the zone
        changed = audit.changes(entry.before, entry.after) if entry.action == "update" else {}
        events.append(Event(at, entry.actor, str(ACTIONS.get(entry.action, entry.action)), field_changes(form, changed)))
    return events
