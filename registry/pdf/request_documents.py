"""The requests register as plain dicts for its print template: one entry per request, its clock computed by the
domain's rules in the organisation's calendar, and no requester's name or contact (Art. 5(1)(c))."""

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from registry import clock, reference
from registry.domain import requests as rules
from registry.formats import date_text, datetime_text
from registry.models import Activity, ClientController, DataRequest, Organisation
from registry.pdf.request_wording import t, v
from registry.reference.public_holidays import public_holidays


def _field(key: str, value) -> dict:
    return {"key": key, "value": value}


def _activity_line(activity: Activity, link, lang: str) -> str:
    line = f"{activity.reference} — {activity.name}"
    if link.measure:
        line += f"{t('colon', lang)}{v(link.measure, lang)}"
    return line + (f" ({link.measure_note})" if link.measure_note else "")


def request_register(session: Session, org: Organisation, lang: str = "fr", now: datetime | None = None) -> dict:
    """Every request of the organisation, oldest first, with its deadline, answer, refusal and relay (Art. 5(2))."""
    now = now or clock.now()
    today = rules.local_date(now, org.timezone)
    holidays = public_holidays(org.country)
    rows = session.scalars(select(DataRequest).where(DataRequest.organisation_id == org.id)
                           .order_by(DataRequest.received_on, DataRequest.id)).all()
    acts = {a.id: a for a in session.scalars(select(Activity).where(Activity.organisation_id == org.id))}
    clients = {c.id: c for c in session.scalars(select(ClientController).where(
        ClientController.organisation_id == org.id))}
    d = lambda day: date_text(day, lang)  # noqa: E731
    out = []
    for r in rows:
        deadline = rules.answer_deadline(r.received_on, holidays, r.extended)
        due = d(deadline.due)
        if deadline.moved:
            due += f" ({t('moved', lang).format(nominal=d(deadline.nominal))})"
        if rules.clock_state(deadline.due, today, r.is_open) == "overdue":
            due += f" — {t('overdue', lang)}"
        identity = t("identity_not_checked", lang)
        if r.identity_verified_on or r.identity_method:
            identity = ", ".join(x for x in (d(r.identity_verified_on), v(r.identity_method, lang), r.identity_note) if x)
        fields = [
            _field("received_on", f"{d(r.received_on)} — {v(r.channel, lang)}"),
            _field("rights", [v(x, lang) for x in r.rights or []]),
        ]
        if r.requester_category:
            fields.append(_field("requester_category", reference.label("data_subjects", r.requester_category, lang)))
        fields += [
            _field("identity", identity),
            _field("details", r.details or ""),
            _field("activities", [_activity_line(acts[a.activity_id], a, lang)
                                  for a in r.activity_links if a.activity_id in acts]),
            _field("deadline", due),
        ]
        if r.extended:
            told = t("extension_told", lang).format(date=d(r.extension_decided_on)) if r.extension_decided_on else ""
            fields.append(_field("extension", [x for x in (told, r.extension_reasons) if x]))
        if r.client_id in clients:
            relay = [clients[r.client_id].legal_name,
                     t("forwarded_on", lang).format(date=d(r.forwarded_on)) if r.forwarded_on
                     else t("not_forwarded", lang)]
            if r.client_answered_on:
                relay.append(t("client_answered_on", lang).format(date=d(r.client_answered_on)))
            relay += [x for x in (r.client_answer,) if x]
            fields.append(_field("relay", relay))
            if r.assistance:
                fields.append(_field("assistance", r.assistance))
        if r.status == "refused":
            fields.append(_field("refusal", [x for x in (v(r.refusal_ground, lang), r.refusal_details) if x]))
        if r.status != "open":
            fields.append(_field("answer", [x for x in (d(r.answered_on), r.answer_summary) if x]))
        out.append({"reference": r.reference, "status": v(r.status, lang), "is_open": r.is_open,
                    "fields": [{"label": t(f["key"], lang), "value": f["value"]} for f in fields]})
    years = org.request_retention_years or rules.DEFAULT_RETENTION_YEARS
    return {
        "kind": "request_register", "lang": lang, "title": t("title", lang), "note": t("note", lang),
        "articles": "Art. 12, 15-22", "organisation": {"name": org.legal_name},
        "generated_at": datetime_text(now, org.timezone, lang), "count": len(out),
        "open_count": sum(1 for x in out if x["is_open"]), "retention": t("retention", lang).format(years=years),
        "requests": out,
    }
