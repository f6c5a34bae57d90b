"""Breach documents as plain dicts, in French or English: client notice, CNIL draft, data-subject letter, register."""

from datetime import datetime

from sqlmodel import Session

from registry import reference
from registry.domain import breaches as rules
from registry.formats import datetime_text
from registry.models import Breach, ClientController, Organisation
from registry.models.base import utcnow
from registry.pdf.breach_wording import t, v
from registry.services.breaches import breach_clocks, breach_facts, list_breaches


def _field(key: str, value, lang: str) -> dict:
    return {"label": t(key, lang), "value": value}


def _section(key: str, article: str, fields: list[dict], lang: str) -> dict:
    return {"key": key, "heading": t(key, lang), "article": article, "fields": fields}


def _text(value: str | None, lang: str) -> str:
    return value.strip() if value and value.strip() else t("unknown", lang)


def _number(n: int | None, lang: str) -> str:
    return t("approx", lang).format(n=n) if n is not None else t("unknown", lang)


def _labels(vocab: str, codes: list[str], lang: str) -> list[str]:
    return [reference.label(vocab, c, lang) for c in codes]


def _when(moment: datetime | None, org: Organisation, lang: str) -> str:
    return datetime_text(moment, org.timezone, lang) if moment else t("unknown", lang)


def _dpo(org: Organisation, lang: str) -> dict:
    """Art. 33(3)(b): the DPO recorded, else the organisation's own contact point, labelled as what it is."""
    lines = [org.dpo_name, org.dpo_company, org.dpo_email, org.dpo_phone]
    if any(lines):
        return _field("dpo", [line for line in lines if line], lang)
    return _field("contact_point", [x for x in (org.legal_name, org.contact_email, org.contact_phone) if x], lang)


A_ITEM = ("nature", "data_subjects", "subjects_approx", "data_categories", "special", "records_approx")


def _a_values(breach: Breach, lang: str, scope: list | None = None) -> dict:
    """Art. 33(3)(a): nature, categories and approximate numbers of data subjects and of records.

    With `scope` (the activities run for one client), only the categories those activities hold are
    named: a client must not learn, say, that the processor's own staff data were hit as well.
    """
    categories, subjects = breach.data_categories, breach.data_subjects
    if scope:
        held_categories = {c["code"] for a in scope for c in a.data_categories or ()}
        held_subjects = {c["code"] for a in scope for c in a.data_subjects or ()}
        categories = [c for c in categories if c in held_categories] or categories
        subjects = [c for c in subjects if c in held_subjects] or subjects
    special = reference.special_category_codes() | {"offences", "nir"}
    return {
        "nature": [v(n, lang) for n in breach.natures],
        "data_subjects": _labels("data_subjects", subjects, lang),
        "subjects_approx": _number(breach.subjects_approx, lang),
        "data_categories": _labels("data_categories", categories, lang),
        "special": t("yes" if special & set(categories) else "no", lang),
        "records_approx": _number(breach.records_approx, lang),
    }


def _fields(values: dict, keys: tuple[str, ...], lang: str) -> list[dict]:
    return [_field(k, values[k], lang) for k in keys]


def _line(key: str, value: str, lang: str) -> str:
    # French typography puts a space before the colon.
    return f"{t(key, lang)} : {value}" if lang == "fr" else f"{t(key, lang)}: {value}"


def _items(breach: Breach, org: Organisation, lang: str, scope: list | None = None) -> list[dict]:
    """The four items of Art. 33(3), shared by the client notice and (b)-(d) by the Art. 34(2) letter."""
    return [
        _section("a", "Art. 33(3)(a)", _fields(_a_values(breach, lang, scope), A_ITEM, lang), lang),
        _section("b", "Art. 33(3)(b)", [_dpo(org, lang)], lang),
        _section("c", "Art. 33(3)(c)", [_field("consequences", _text(breach.consequences, lang), lang)], lang),
        _section("d", "Art. 33(3)(d)", [
            _field("measures_taken", _text(breach.measures_taken, lang), lang),
            _field("measures_proposed", _text(breach.measures_proposed, lang), lang),
        ], lang),
    ]


def _sub_names(breach: Breach) -> list[str]:
    return [s.trade_name or s.legal_name for s in breach.subprocessors]


def client_notice(breach: Breach, client: ClientController, now: datetime | None = None) -> dict:
    """Art. 33(2)-(3): the processor's notice to one affected client controller, in the client's language."""
    if client.id not in {c.id for c in breach.clients}:
        raise ValueError("client_id: this client controller is not among those affected by the breach")
    org = breach.organisation
    lang = client.language if client.language in ("fr", "en") else "fr"
    clock = next((c for c in breach_clocks(breach, now or utcnow()) if c.client_id == client.id), None)
    deadline = clock.deadline if clock else None
    scope = [a for a in breach.activities if any(c.id == client.id for c in a.clients)]
    return {
        "kind": "client_notice",
        "lang": lang,
        "title": t("client_title", lang),
        "articles": "Art. 33(2), 33(3)",
        "sender": {"label": t("sender", lang), "name": org.legal_name, "address": org.address},
        "recipient": {
            "label": t("recipient", lang), "name": client.legal_name, "address": client.address,
            "contact": [x for x in (client.dpo_name, client.dpo_email, client.contact_name, client.contact_email) if x],
        },
        "header": [
            _field("reference", breach.reference, lang),
            _field("contract", client.contract_reference or "", lang),
            _field("phase", v(breach.phase, lang), lang),
            _field("aware_at", _when(breach.aware_at, org, lang), lang),
            _field("deadline", _when(deadline, org, lang) if deadline else t("undue_delay", lang), lang),
        ],
        "context": _section("context", "Art. 33(5)", [
            _field("facts", _text(breach.facts, lang), lang),
            _field("occurred_at", _when(breach.occurred_at, org, lang), lang),
            _field("contained_at", _when(breach.contained_at, org, lang), lang),
            _field("subprocessors", _sub_names(breach), lang),
            _field("activities", [f"{a.reference} — {a.name}" for a in scope], lang),
        ], lang),
        "items": _items(breach, org, lang, scope),
    }


def cnil_draft(breach: Breach, lang: str = "fr", now: datetime | None = None) -> dict:
    """Art. 33(1), (3): the notification draft, under the headings of the CNIL's online notification form."""
    org = breach.organisation
    now = now or utcnow()
    facts = breach_facts(breach)
    cnil_sent = [n for n in breach.notices if n.recipient == "cnil"]
    subjects_sent = facts.sent.get(("data_subjects", None))
    late = next((n.late_reason for n in cnil_sent if n.late_reason), None)
    dates = [
        _field("occurred_at", _when(breach.occurred_at, org, lang), lang),
        _field("aware_at", _when(breach.aware_at, org, lang), lang),
        _field("contained_at", _when(breach.contained_at, org, lang), lang),
    ]
    required = rules.needs_cnil_notification(facts)
    if required:  # no deadline runs for a notification the register says is not owed
        regime = rules.breach_regime(breach.aware_at, tz_name=org.timezone)
        dates.append(_field("deadline", _when(rules.cnil_deadline(breach.aware_at, regime), org, lang), lang))
    if late:
        dates.append(_field("late_reason", late, lang))
    a = _a_values(breach, lang)
    sections = [
        ("cnil_type", [_field("phase", v(breach.phase, lang), lang), _field("reference", breach.reference, lang)]),
        ("cnil_org", [_field("organisation", [x for x in (org.legal_name, org.registration, org.address) if x], lang)]),
        ("cnil_contact", [_dpo(org, lang)]),
        ("cnil_dates", dates),
        ("cnil_nature", _fields(a, ("nature",), lang)),
        ("cnil_origin", [_field("facts", _text(breach.facts, lang), lang),
                         _field("subprocessors", _sub_names(breach), lang)]),
        ("cnil_data", _fields(a, ("data_categories", "special", "records_approx"), lang)),
        ("cnil_people", _fields(a, ("data_subjects", "subjects_approx"), lang)),
        ("cnil_consequences", [_field("consequences", _text(breach.consequences, lang), lang)]),
        ("cnil_measures", [_field("measures_taken", _text(breach.measures_taken, lang), lang),
                           _field("measures_proposed", _text(breach.measures_proposed, lang), lang)]),
        ("cnil_information", [
            _field("risk", v(breach.risk, lang), lang),
            _field("info_required", t("yes" if breach.risk == "high" else "no", lang), lang),
            _field("exemption", v(breach.art34_exemption, lang) if breach.art34_exemption else t("none", lang), lang),
            _field("info_sent", _when(subjects_sent, org, lang) if subjects_sent else t("no", lang), lang),
        ]),
    ]
    return {
        "kind": "cnil_draft",
        "lang": lang,
        "title": t("cnil_title", lang),
        "note": t("cnil_note", lang),
        "articles": "Art. 33(1), 33(3)",
        "required": required,
        # Why none is owed (Arts. 33(1)-(2)): the organisation is only processor, or the risk is unlikely.
        "not_required_because": [] if required else [
            r for r, holds in (("processor", not facts.as_controller), ("unlikely", breach.risk == "unlikely")) if holds],
        "risk_reasoning": _text(breach.risk_reasoning, lang),
        "sections": [{"key": k, "heading": t(k, lang), "fields": f} for k, f in sections],
    }


def subject_communication(breach: Breach, lang: str = "fr") -> dict:
    """Art. 34(2): in clear and plain language, the nature of the breach and items (b)-(d) of Art. 33(3)."""
    org = breach.organisation
    _a, b, c, d = _items(breach, org, lang)
    nature = ", ".join(v(n, lang) for n in breach.natures)
    return {
        "kind": "subject_communication",
        "lang": lang,
        "title": t("subjects_title", lang),
        "articles": "Art. 34(1), 34(2)",
        "sender": {"name": org.legal_name, "address": org.address},
        "sections": [
            {"key": "what_happened", "heading": t("what_happened", lang), "article": "Art. 34(2)",
             "fields": [_field("nature", nature, lang), _field("facts", _text(breach.facts, lang), lang),
                        _field("data_categories", _labels("data_categories", breach.data_categories, lang), lang)]},
            {**c, "key": "what_it_means", "heading": t("what_it_means", lang)},
            {**d, "key": "what_we_do", "heading": t("what_we_do", lang)},
            {**b, "key": "who_to_contact", "heading": t("who_to_contact", lang)},
        ],
    }


def _notifications(breach: Breach, org: Organisation, lang: str, now: datetime) -> list[str]:
    """What was owed and what was sent, in one line each, for the register's "notifications" column."""
    facts = breach_facts(breach)
    lines = []
    if not facts.as_controller:
        lines.append(t("by_clients", lang))
    elif breach.risk == "unlikely":
        lines.append(f"{t('not_notified_reason', lang)}. {breach.risk_reasoning or ''}".strip())
    for clock in rules.clocks(facts, now):
        who = clock.client_name or (clock.recipient_name(lang) if clock.recipient == "cnil" else v(clock.recipient, lang))
        when = _when(clock.sent_at, org, lang) if clock.sent_at else v(clock.state, lang)
        lines.append(f"{clock.article} — " + (f"{who} : {when}" if lang == "fr" else f"{who}: {when}"))
    for n in breach.notices:
        if n.late_reason:
            lines.append(_line("late_reason", f"{n.recipient_name or v(n.recipient, lang)} — {n.late_reason}", lang))
    if breach.art34_exemption:
        lines.append(_line("exemption", f"{v(breach.art34_exemption, lang)} — {breach.art34_exemption_details}", lang))
    return lines


def breach_register(session: Session, org: Organisation, lang: str = "fr", now: datetime | None = None) -> dict:
    """Art. 33(5): every breach of this organisation, notified or not, with its facts, effects and remedial action."""
    now = now or utcnow()
    rows = []
    for breach in list_breaches(session, org.id):
        rows.append({
            "reference": breach.reference,
            "title": breach.title,
            "status": v(breach.status, lang),
            "fields": [
                _field("occurred_at", _when(breach.occurred_at, org, lang), lang),
                _field("aware_at", _when(breach.aware_at, org, lang), lang),
                _field("contained_at", _when(breach.contained_at, org, lang), lang),
                _field("closed_at", _when(breach.closed_at, org, lang) if breach.closed_at else "", lang),
                _field("facts", _text(breach.facts, lang), lang),
                _field("effects", [
                    ", ".join(v(n, lang) for n in breach.natures),
                    *_labels("data_categories", breach.data_categories, lang),
                    _line("subjects_approx", _number(breach.subjects_approx, lang), lang),
                    _line("records_approx", _number(breach.records_approx, lang), lang),
                    _text(breach.consequences, lang),
                ], lang),
                _field("remedial", [x for x in (_text(breach.measures_taken, lang), breach.measures_proposed) if x], lang),
                _field("risk", f"{v(breach.risk, lang)}. {breach.risk_reasoning or ''}".strip(), lang),
                _field("activities", [f"{a.reference} — {a.name}" for a in breach.activities], lang),
                _field("subprocessors", _sub_names(breach), lang),
                _field("notifications", _notifications(breach, org, lang, now), lang),
            ],
        })
    return {
        "kind": "breach_register",
        "lang": lang,
        "title": t("register_title", lang),
        "note": t("register_note", lang),
        "articles": "Art. 33(5)",
        "organisation": {"name": org.legal_name, "address": org.address, "contact": _dpo(org, lang)},
        "generated_at": datetime_text(now, org.timezone, lang),
        "count": len(rows),
        "breaches": rows,
    }
