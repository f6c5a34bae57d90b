"""Retention rules as data: the sentence that states them and the end date once the event's date is known."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from registry import reference
from registry.domain.flags import Flag, flag

UNITS = {
    "days": {"fr": ("jour", "jours"), "en": ("day", "days")},
    "weeks": {"fr": ("semaine", "semaines"), "en": ("week", "weeks")},
    "months": {"fr": ("mois", "mois"), "en": ("month", "months")},
    "years": {"fr": ("an", "ans"), "en": ("year", "years")},
}
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")


@dataclass(frozen=True)
class RetentionFacts:
    kind: str
    value: int | None = None
    unit: str | None = None
    bound: str = "exact"
    event: str | None = None
    event_detail: str | None = None
    until: date | None = None
    criteria: str | None = None
    end_action: str | None = None


def add_duration(start: date, value: int, unit: str) -> date:
    """Calendar arithmetic: a month after 31 January is the last day of February."""
    if unit == "days":
        return start + timedelta(days=value)
    if unit == "weeks":
        return start + timedelta(weeks=value)
    months = value * (12 if unit == "years" else 1)
    y, m = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, m + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def end_date(r: RetentionFacts, event_date: date | None) -> date | None:
    """When the data must be gone (Art. 5(1)(e)): from the event's date, or the fixed date; None when open-ended."""
    if r.kind == "until_date":
        return r.until
    if r.kind in ("fixed", "from_event") and r.value and r.unit and event_date:
        return add_duration(event_date, r.value, r.unit)
    return None


def period_text(value: int, unit: str | None, lang: str) -> str:
    """A period in words, the unit agreeing with its number: "1 an", "2 ans", "1 month" (French: singular for 0 and 1)."""
    if unit not in UNITS:
        return f"{value} {unit or ''}".rstrip()
    singular, plural = UNITS[unit]["fr" if lang == "fr" else "en"]
    return f"{value} {singular if (value in (0, 1) if lang == 'fr' else value == 1) else plural}"


def _duration(r: RetentionFacts, lang: str) -> str:
    text = period_text(r.value, r.unit, lang)
    prefix = {"minimum": {"fr": "au moins ", "en": "at least "}, "maximum": {"fr": "au plus ", "en": "at most "}}
    return prefix.get(r.bound, {}).get(lang, "") + text


def _event(r: RetentionFacts, lang: str) -> str:
    if r.event == "other" or (r.event is None and r.event_detail):
        return r.event_detail or ""
    return reference.label("retention_events", r.event, lang)


def _from(event: str, lang: str) -> str:
    if lang == "en":
        return f"after {event}"
    if event.startswith("le "):
        return "à compter du " + event[3:]
    if event.startswith("les "):
        return "à compter des " + event[4:]
    return f"à compter de {event}"


def _long_date(d: date, lang: str) -> str:
    if lang == "fr":
        return f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}"
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def describe(r: RetentionFacts, lang: str = "fr") -> str:
    """The rule as a sentence: "5 ans à compter de la fin du contrat" / "5 years after the end of the contract"."""
    if r.kind == "fixed":
        text = _duration(r, lang)
    elif r.kind == "from_event":
        event = _event(r, lang)
        missing = "[événement de départ non précisé]" if lang == "fr" else "[starting event not stated]"
        text = f"{_duration(r, lang)} {_from(event, lang) if event else missing}"
    elif r.kind == "until_date":
        text = ("jusqu'au " if lang == "fr" else "until ") + _long_date(r.until, lang)
    elif r.kind == "versions":
        text = f"les {r.value} dernières versions" if lang == "fr" else f"the last {r.value} versions"
    else:
        head = "durée indéterminée" if lang == "fr" else "indeterminate period"
        sep = " : " if lang == "fr" else ": "
        text = f"{head}{sep}{r.criteria}" if r.criteria else head
    if r.end_action:
        action = {
            "delete": {"fr": "puis suppression", "en": "then deletion"},
            "anonymise": {"fr": "puis anonymisation", "en": "then anonymisation"},
            "archive": {"fr": "puis archivage", "en": "then archiving"},
        }[r.end_action][lang]
        text = f"{text}, {action}"
    return text


def retention_flags(r: RetentionFacts) -> list[Flag]:
    """What a retention rule lacks: the event a period runs from, the criteria of an open period (Arts. 5(1)(e), 13(2)(a))."""
    out: list[Flag] = []
    if r.kind == "from_event" and (not r.event or (r.event == "other" and not r.event_detail)):
        out.append(flag("retention_event_missing", "Art. 5(1)(e); Art. 30(1)(f)", "event"))
    if r.kind == "indeterminate" and not r.criteria:
        out.append(flag("retention_criteria_missing", "Art. 13(2)(a)", "criteria"))
    if r.end_action is None:
        out.append(flag("retention_end_action_missing", "Art. 5(1)(e)", "end_action", "warning"))
    return out
