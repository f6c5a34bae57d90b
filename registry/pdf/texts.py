"""Phrases built from register records for print: dates, retention periods, transfer safeguards, places."""

from datetime import date, datetime

from registry import formats, reference
from registry.domain.retention import period_text
from registry.pdf.labels import END_ACTIONS, LOCATION_KINDS, labels, word


def day(d: date | datetime | None, lang: str, tz: str = "UTC") -> str | None:
    """A date in words, as the pages write it (registry.formats); an instant is dated in the time zone `tz`."""
    return formats.date_text(d, lang, tz) if d is not None else None


def moment(dt: datetime, tz: str, lang: str) -> str:
    """A date and time in the organisation's time zone, with its UTC offset so that it is unambiguous."""
    return formats.datetime_text(dt, tz, lang)


def country_name(code: str | None, lang: str) -> str | None:
    c = reference.country(code)
    return c.name(lang) if c else code


def destination(transfer, lang: str) -> str:
    if transfer.destination_country:
        return country_name(transfer.destination_country, lang) or transfer.destination_country
    org = reference.international_organisations().get(transfer.destination_organisation or "")
    return org.label(lang) if org else (transfer.destination_organisation or "")


def safeguard(transfer, lang: str) -> str | None:
    """The Chapter V mechanism of a transfer in words, with its article, SCC module and checks."""
    if not transfer.mechanism:
        return None
    L = labels(lang)
    term = reference.vocabulary("transfer_mechanisms").get(transfer.mechanism)
    parts = [term.label(lang) + (f" ({term.article_in(lang)})" if term.article else "") if term else transfer.mechanism]
    if transfer.mechanism == "scc" and transfer.scc_module:
        parts.append(reference.label("scc_modules", str(transfer.scc_module), lang))
    if transfer.mechanism == "dpf" and transfer.dpf_checked_on:
        parts.append(f"{L['dpf_checked']} {day(transfer.dpf_checked_on, lang)}")
    if transfer.mechanism == "derogation" and transfer.derogation_ground:
        ground = reference.vocabulary("art49_grounds").get(transfer.derogation_ground)
        parts.append(f"{ground.label(lang)} ({ground.article_in(lang)})" if ground else transfer.derogation_ground)
    if transfer.tia_date:
        parts.append(f"{L['tia']} {day(transfer.tia_date, lang)}")
    return " — ".join(parts)


def transfer_row(transfer, lang: str) -> dict:
    return {
        "recipient": transfer.recipient,
        "destination": destination(transfer, lang),
        "safeguard": safeguard(transfer, lang),
        "document": transfer.document_reference,
        "scc_module": transfer.scc_module if transfer.mechanism == "scc" else None,
        "notes": transfer.notes,
    }


def _duration(value: int, unit: str, lang: str) -> str:
    return period_text(value, unit, lang)


def retention(rule, lang: str) -> str:
    """One retention rule as a sentence: how long, from which event, and what happens at the end."""
    fr = lang == "fr"
    bound = {"minimum": "au moins " if fr else "at least ", "maximum": "au plus " if fr else "at most "}.get(rule.bound, "")
    if rule.kind == "fixed":
        text = bound + _duration(rule.value, rule.unit, lang)
    elif rule.kind == "from_event":
        event = reference.label("retention_events", rule.event, lang) if rule.event else ""
        if rule.event_detail:
            event = f"{event} ({rule.event_detail})" if event else rule.event_detail
        joiner = " à compter de " if fr else " after "
        text = bound + _duration(rule.value, rule.unit, lang) + (joiner + event if event else "")
    elif rule.kind == "until_date":
        text = ("jusqu'au " if fr else "until ") + (day(rule.until, lang) or "")
    elif rule.kind == "versions":
        text = f"les {rule.value} dernières versions" if fr else f"the last {rule.value} versions"
    else:
        text = "durée indéterminée" if fr else "indeterminate period"
    if rule.criteria:
        text += f" — {rule.criteria}"
    if rule.end_action:
        text += (" ; puis " if fr else "; then ") + word(END_ACTIONS, rule.end_action, lang)
    if rule.legal_reference:
        text += f" ({rule.legal_reference})"
    return text


def retention_scope(rule, lang: str) -> str:
    parts = []
    if rule.data_category:
        parts.append(reference.label("data_categories", rule.data_category, lang))
    if rule.subject:
        parts.append(rule.subject)
    if rule.covers_backups:
        parts.append(labels(lang)["backups"])
    return ", ".join(parts)


def location(loc, lang: str) -> dict:
    return {
        "country": country_name(loc.country, lang),
        "site": loc.site,
        "kind": word(LOCATION_KINDS, loc.kind, lang),
        "eea": reference.is_eea(loc.country),
    }


def category(item: dict, vocabulary: str, lang: str) -> dict:
    """A {code, detail} item of an activity's JSON list, labelled; special categories carry their article."""
    term = reference.vocabulary(vocabulary).get(item.get("code") or "")
    group = term.get("group") if term else None
    return {
        "label": term.label(lang) if term else (item.get("code") or ""),
        "detail": item.get("detail"),
        "sensitive": group in ("special", "offences", "nir"),
        "article": term.article if term else None,
    }


def purpose(item: dict, lang: str) -> dict:
    basis = reference.vocabulary("legal_bases").get(item.get("legal_basis") or "")
    cond = reference.vocabulary("art9_conditions").get(item.get("art9_condition") or "")
    return {
        "purpose": item.get("purpose") or "",
        "legal_basis": f"{basis.label(lang)} ({basis.article})" if basis else None,
        "art9_condition": f"{cond.label(lang)} ({cond.article})" if cond else None,
    }
