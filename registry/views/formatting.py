"""How values appear on screen in the chosen language: dates, numbers, countries, vocabulary codes, statuses."""

from datetime import date, datetime
from functools import lru_cache

from flask import Flask
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from registry import formats, reference
from registry.domain.flags import worst_severity
from registry.domain.refusals import Message
from registry.i18n import current_lang, current_timezone

STATUS_LABELS = {
    "draft": _l("Draft"),
    "active": _l("Active"),
    "retired": _l("Retired"),
    "planned": _l("Planned"),
    "controller": _l("Controller"),
    "processor": _l("Processor"),
    # data-subject requests
    "open": _l("Open"),
    "answered": _l("Answered"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
}


CHANGE_STATUSES = {"planned": _l("Planned"), "notified": _l("Clients told"), "effective": _l("In effect"),
                   "cancelled": _l("Cancelled")}
# The coded values a refusal names, shown by their labels (the key is the placeholder's name in the message).
VALUE_LABELS = {"sp_status": STATUS_LABELS, "change_status": CHANGE_STATUSES}

SEVERITY_LABELS = {"missing": _l("Missing"), "risk": _l("Risk"), "warning": _l("To check")}


def severity_label(code: str) -> str:
    return str(SEVERITY_LABELS.get(code, code))


def date_text(value: date | str | None) -> str:
    """A date as every page writes it, in the interface language (registry.formats); a date the audit trail
    stores as ISO text (the list as of a date is replayed from it) is written the same way."""
    if isinstance(value, str) and value:
        value = date.fromisoformat(value[:10])
    return formats.date_text(value, current_lang()) if value else ""


def datetime_text(moment: datetime | None, tz: str | None = None) -> str:
    """An instant as every page writes it: in `tz` (by default the organisation's), with the zone and offset."""
    return formats.datetime_text(moment, tz or current_timezone(), current_lang()) if moment else ""


def message_text(message: str | Message) -> str:
    """A refusal's message in the interface language: the one place the web writes a `Message` — its id through
    the catalog, its dates as every page writes them, its codes as their labels."""
    if not isinstance(message, Message):
        return _(message)
    values = {}
    for name, value in message.values.items():
        if isinstance(value, date):
            value = date_text(value)
        elif name in VALUE_LABELS:
            value = str(VALUE_LABELS[name].get(value, value))
        values[name] = value
    return _(message.msgid, **values)


def number(value) -> str:
    return format_decimal(value) if value is not None else ""


def country_text(code: str | None) -> str:
    c = reference.country(code)
    return c.name(current_lang()) if c else (code or "")


def vocab_text(name: str, code) -> str:
    return reference.label(name, None if code is None else str(code), current_lang())


_BADGES: dict[tuple[str, str], Markup] = {}


def badge(code: str | None) -> Markup:
    """A status or role as a coloured label; built once per language and code (a list shows hundreds)."""
    if not code:
        return Markup("")
    key = (current_lang(), code)
    if key not in _BADGES:
        label = STATUS_LABELS.get(code, code)
        _BADGES[key] = Markup('<span class="badge badge-{}">{}</span>').format(escape(code), str(label))
    return _BADGES[key]


def flag_summary(flags: list) -> dict | None:
    """What a list row shows of its flags: how many, the worst severity, and the messages for a tooltip."""
    if not flags:
        return None
    lang = current_lang()
    messages = [f"{f.message(lang)} ({f.cite(lang)})" for f in flags]
    return {"count": len(flags), "worst": worst_severity(flags), "messages": messages}


def flag_cell(flags: list) -> Markup:
    """A list row's flag cell: how many points to check, coloured by the worst, the messages for a tooltip
    and for screen readers; "nothing to check" otherwise."""
    return _flag_cell(current_lang(), tuple(flags))


@lru_cache(maxsize=4096)
def _flag_cell(lang: str, flags: tuple) -> Markup:
    # Rows share the same few combinations of flags, and flags are immutable: each cell is built once per language.
    summary = flag_summary(list(flags))
    if not summary:
        return Markup('<span class="ok-mark" title="{0}">✓<span class="sr-only"> {0}</span></span>').format(
            _("Nothing to check"))
    return Markup('<span class="flagcount flag-{}" title="{}">{}<span class="sr-only"> {}: {}</span></span>').format(
        summary["worst"], "\n".join(summary["messages"]), summary["count"], _("points to check"),
        "; ".join(summary["messages"]))


def init_formatting(app: Flask) -> None:
    app.jinja_env.filters.update(
        fdate=date_text, fdatetime=datetime_text, fnum=number, country=country_text, badge=badge, flag_cell=flag_cell,
    )
    app.jinja_env.globals.update(
        vocab_text=vocab_text,
        country_text=country_text,
        severity_label=severity_label,
        # How a linked record is named in "related" lists.
        activity_label=lambda a: f"{a.reference} · {a.name}",
        transfer_label=lambda t: f"{t.recipient} · {country_text(t.destination_country) or t.destination_organisation}",
        rule_label=lambda r: r.subject or vocab_text("data_categories", r.data_category) or str(_l("Retention rule")),
    )
