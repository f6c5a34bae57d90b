"""How values appear on screen in the chosen language: dates, numbers, countries, vocabulary codes, statuses."""

from datetime import date

from flask import Flask
from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from registry import reference
from registry.i18n import current_lang

STATUS_LABELS = {
    "draft": _l("Draft"),
    "active": _l("Active"),
    "retired": _l("Retired"),
    "planned": _l("Planned"),
    "controller": _l("Controller"),
    "processor": _l("Processor"),
}


SEVERITY_LABELS = {"missing": _l("Missing"), "risk": _l("Risk"), "warning": _l("To check")}


def severity_label(code: str) -> str:
    return str(SEVERITY_LABELS.get(code, code))


def date_text(value: date | None) -> str:
    return format_date(value, "medium") if value else ""


def number(value) -> str:
    return format_decimal(value) if value is not None else ""


def country_text(code: str | None) -> str:
    c = reference.country(code)
    return c.name(current_lang()) if c else (code or "")


def vocab_text(name: str, code) -> str:
    return reference.label(name, None if code is None else str(code), current_lang())


def badge(code: str | None) -> Markup:
    if not code:
        return Markup("")
    label = STATUS_LABELS.get(code, code)
    return Markup('<span class="badge badge-{}">{}</span>').format(escape(code), label)


def init_formatting(app: Flask) -> None:
    app.jinja_env.filters.update(
        fdate=date_text, fnum=number, country=country_text, badge=badge,
    )
    app.jinja_env.globals.update(vocab_text=vocab_text, country_text=country_text, severity_label=severity_label)
