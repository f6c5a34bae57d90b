"""The vocabulary that configures the generic views: an `Entity` with its `Column`s, `Filter`s, `Blocker`s and roles."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.sql import ColumnElement
from sqlmodel import SQLModel

from registry.forms import RecordForm
from registry.services.crud import Changes

# What a view needs: any member reads; admins and DPOs write; only admins change the organisation's settings.
READ, WRITE, ADMIN = "reader", "editor", "admin"
# Names of the records that can block a delete, shown before each blocker.
ACTIVITY, TRANSFER, RULE = _l("Activity"), _l("Transfer"), _l("Retention rule")


@dataclass
class Blocker:
    """A record that uses the one being deleted, with a link to it."""

    label: str
    url: str


@dataclass
class Entity:
    """Everything the generic views need to know about one kind of record."""

    area: str
    model: type[SQLModel]
    form: type[RecordForm]
    title: Any  # plural, for the list page
    singular: Any
    name_of: Callable[[Any], str]
    columns: list["Column"]
    create: Callable[..., tuple[Any, Changes]]
    update: Callable[..., Changes]
    delete: Callable[..., Changes]
    search: Sequence[ColumnElement] = ()
    filters: list["Filter"] = field(default_factory=list)
    default_sort: str = ""
    before_delete: Callable[..., list[Blocker]] = lambda session, org, obj: []
    flags: Callable[..., dict[int, list]] | None = None
    prepare_form: Callable[..., None] = lambda form, session, org, obj: None
    form_from_record: Callable[[Any], Any] | None = None  # an object the form reads its answers from
    retire: Callable[..., Changes] | None = None
    detail_context: Callable[..., dict] = lambda session, org, obj: {}
    page_context: Callable[..., dict] = lambda session, org, rows: {}  # batch look-ups for the list's cells
    list_options: Sequence[Any] = ()
    # Flag field -> where to fix it, when that is not the edit form's field of the same name.
    fixes: dict[str, Callable[[Any, Any], str]] = field(default_factory=dict)
    role_read: str = READ
    role_write: str = WRITE


@dataclass
class Column:
    """A list column: what it shows (`cell(obj)`, default the attribute) and, when sortable, the SQL to sort by."""

    key: str
    label: Any
    sort: ColumnElement | None = None
    cell: Callable[[Any, dict], Any] | None = None  # (record, page context) -> what the cell shows
    css: str = ""

    def value(self, obj, ctx: dict):
        return self.cell(obj, ctx) if self.cell else getattr(obj, self.key)


@dataclass
class Filter:
    """A list filter read from the query string: `apply(stmt, value)` narrows the select."""

    name: str
    label: Any
    choices: Callable[[], list[tuple[str, str]]]
    apply: Callable[[Any, str], Any]


def requires(role: str):
    """Mark a view with the role it needs (READ, WRITE or ADMIN); `views/crud.authorize` checks it."""

    def mark(view):
        view.required_role = role
        return view

    return mark
