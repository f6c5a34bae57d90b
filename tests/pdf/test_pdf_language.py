"""No printed document carries text of the other language: each kind of PDF (register, annex, sub-processor list and
the list as of a date, breach notices and register, change notices) is rendered for a demo organisation in French and
in English, read back with pypdf, and searched for a fixed message of the other language.

Catalog-based, as tests/web/test_language_leaks.py: the messages are the interface catalog, the print wording
(registry/pdf label tables) and the reference vocabularies, each known in both languages; only the fragments that
differ between the two are looked for, so a proper name or an article number never counts.
"""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pdftext import flat, pages_text
from sqlalchemy import select

from registry import reference
from registry.i18n import read_catalog
from registry.models import BreachCreate, SubProcessorChangeCreate, SubProcessorCreate
from registry.pdf import breach_wording, changes, labels, register
from registry.pdf import breaches as breach_pdfs
from registry.services import breaches as breach_svc
from registry.services import changes as change_svc
from registry.services import subprocessor_exports as exports

ROOT = Path(__file__).resolve().parents[2]
MIN_LENGTH = 12  # characters of a message fragment looked for, as a whole word or words
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def fragments(text: str) -> set[str]:
    """The fixed parts of a message (between its placeholders) long enough to be telling."""
    return {flat(f).strip() for f in PLACEHOLDER.split(text) if len(f.strip()) >= MIN_LENGTH}


def found_in(text: str, candidates: set[str]) -> set[str]:
    """The fragments the text holds as whole words ("Transfer" is not found in "Transferts")."""
    return {f for f in candidates if f in text and re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text)}


def _pairs_of_tables(fr, en):
    """(French, English) of the same key, through nested tables."""
    if isinstance(fr, str) and isinstance(en, str):
        yield fr, en
    elif isinstance(fr, dict) and isinstance(en, dict):
        for key in fr.keys() & en.keys():
            yield from _pairs_of_tables(fr[key], en[key])


def pairs() -> list[tuple[str, str]]:
    """Every fixed message known in both languages, as (French, English)."""
    found: list[tuple[str, str]] = []
    for m in read_catalog(ROOT / "registry/translations/fr/LC_MESSAGES"):
        if m.id and m.string:
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            found += [(s, i) for i in ids for s in strings]
    for module in (labels, changes, breach_wording):
        for value in vars(module).values():
            if isinstance(value, dict) and {"fr", "en"} <= value.keys():
                found += _pairs_of_tables(value["fr"], value["en"])
            elif isinstance(value, dict) and value and all(
                    isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in value.values()):
                found += list(value.values())
    for name in reference.vocabulary_names():
        found += [(t.label("fr"), t.label("en")) for t in reference.vocabulary(name).values()]
    found += [(texts["fr"], texts["en"]) for texts in reference.flag_messages().values()
              if "fr" in texts and "en" in texts]
    return found


@pytest.fixture(scope="module")
def messages() -> dict[str, set[str]]:
    """For each language, the message fragments that belong only to the other one."""
    english, french, both = set(), set(), set()
    for fr, en in pairs():
        e, f = fragments(en), fragments(fr)
        english |= e - f
        french |= f - e
        both |= e & f
    # A fragment that is a message of both languages ("Notifications", the English of a register heading and the
    # French of "Notices") says nothing, whether the two are in one pair or in two.
    return {"fr": english - french - both, "en": french - english - both}


def documents(session, org, lang: str) -> dict[str, bytes]:
    """Each kind of document of a demo organisation in `lang`, with a breach at its first sub-processor (the one of
    its first activity) and a planned addition of a sub-processor in the US."""
    client = org_clients(session, org)[0]
    client.language = lang
    activity = next(a for a in org_activities(session, org) if a.subprocessors and a.clients)
    breach = breach_svc.record_breach(session, org, BreachCreate.model_validate({
        **breach_svc.propose_impact(session, org.id, [activity.subprocessors[0].id]).create_values(),
        "reference": f"2026-B-{lang}",
        "title": "Intrusion", "facts": "—", "occurred_at": NOW - timedelta(hours=30), "aware_at": NOW - timedelta(hours=6),
        "confidentiality": True, "data_categories": ["identity"], "data_subjects": ["customers"], "subjects_approx": 850,
        "records_approx": 4200, "risk": "high", "consequences": "—", "measures_taken": "—", "measures_proposed": "—"}),
        actor="test", now=NOW)
    planned = change_svc.propose_subprocessor(session, org, SubProcessorCreate.model_validate(
        {"legal_name": f"Stockage {lang} SAS", "country": "US", "locations": [{"country": "US", "kind": "storage"}]}),
        "test")
    change = change_svc.plan_change(session, org, SubProcessorChangeCreate(
        kind="add", subprocessor_id=planned.id, activity_ids=[activity.id], notice_date=date(2026, 11, 2)), "test")
    session.flush()
    return {
        "register": register.register_pdf(session, org.id, lang, chunked=False),
        "annex": register.annex_pdf(session, org.id, client.id, lang),
        "subprocessors": register.subprocessors_pdf(session, org.id, lang),
        "subprocessors as of": changes.subprocessors_as_of_pdf(org, exports.export_data(session, org, NOW.date()), lang),
        "breach client notice": breach_pdfs.client_notice_pdf(breach, client, now=NOW),
        "breach cnil draft": breach_pdfs.cnil_draft_pdf(breach, lang, now=NOW),
        "breach subject letter": breach_pdfs.subject_communication_pdf(breach, lang),
        "breach register": breach_pdfs.breach_register_pdf(session, org, lang, now=NOW),
        "change notice": changes.notice_pdf(session, change, client.id),
    }


def org_clients(session, org):
    from registry.models import ClientController

    return list(session.execute(select(ClientController).where(ClientController.organisation_id == org.id)
                                .order_by(ClientController.id)).scalars())


def org_activities(session, org):
    from registry.models import Activity

    return list(session.execute(select(Activity).where(Activity.organisation_id == org.id)
                                .order_by(Activity.id)).scalars())


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("slug", ["pilotim", "defi-informatique"])
def test_no_document_prints_text_of_the_other_language(session, demo, messages, slug, lang):
    other = "en" if lang == "fr" else "fr"
    leaks, own = {}, {}
    for kind, pdf in documents(session, demo(slug), lang).items():
        text = flat(" ".join(pages_text(pdf)))
        found = sorted(found_in(text, messages[lang]))
        if found:
            leaks[kind] = found
        own[kind] = found_in(text, messages[other])
    # The same search finds each document's own language: it reads the text, it is not blind.
    assert all(len(found) >= 3 for found in own.values()), {k: len(v) for k, v in own.items()}
    assert leaks == {}
