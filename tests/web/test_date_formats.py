"""Pages write every date one way per language ("15 juin 2026" / "June 15, 2026") and every date-time one way (that
date, HH:mm, the zone and its offset): no ISO date, no day/month digits, no abbreviated month, no seconds in the text."""

import html
import re
from datetime import UTC, date, timedelta

import pytest
from sqlalchemy import select

from registry import clock, formats
from registry.models import BreachCreate, ContractDocument, SubProcessor, SubProcessorChange
from registry.reference.checker_scores import checker_scores
from registry.services import breaches
from registry.services.organisations import get_by_slug
from tests.web.test_contracts_web import TEXT, first_client, upload

SKIP = re.compile(r"<(script|style|input|select|textarea)\b.*?(</\1>|>)", re.S | re.I)
OTHER_FORMATS = {
    "ISO date": re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w/-])"),
    "digits day/month": re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
    "abbreviated month": re.compile(r"\b(janv|févr|avr|juil|sept|oct|nov|déc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d"),
    "seconds": re.compile(r"\b\d{2}:\d{2}:\d{2}\b"),
}
DATE = {"fr": re.compile(r"\b\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
                         r"décembre) \d{4}\b"),
        "en": re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December) "
                         r"\d{1,2}, \d{4}\b")}


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", SKIP.sub(" ", page))))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_date_on_the_pages_is_written_one_way(sign_in, demo, lang):
    org = get_by_slug(demo, "pilotim")
    sp = demo.scalars(select(SubProcessor).where(SubProcessor.organisation_id == org.id).order_by(SubProcessor.id)).first()
    values = {**breaches.propose_impact(demo, org.id, [sp.id]).create_values(), "reference": "B-DATES",
              "title": "Intrusion", "confidentiality": True, "risk": "risk", "aware_at": clock.now() - timedelta(hours=3)}
    breach = breaches.record_breach(demo, org, BreachCreate.model_validate(values), actor="test")
    demo.commit()
    client = sign_in("dpo@pilotim.example.com", "dpo", org)
    client.org_slug = org.slug
    customer = first_client(demo, org.slug)
    assert upload(client, "clients", customer.id, TEXT).status_code == 302  # a contract: its page dates its upload
    client.get(f"/lang/{lang}")
    base = f"/orgs/{org.slug}"
    change = demo.scalars(select(SubProcessorChange).where(SubProcessorChange.organisation_id == org.id)).first()
    urls = [f"{base}/subprocessors/", f"{base}/subprocessors/{sp.id}", f"{base}/clients/", f"{base}/breaches/",
            f"{base}/breaches/{breach.id}", f"{base}/subprocessors/as-of", f"{base}/", "/account/tokens",
            f"{base}/clients/{customer.id}", f"{base}/clients/{customer.id}/contract"]
    urls += [f"{base}/changes/{change.id}"] if change else []
    dates = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response.get_data(as_text=True))
        for name, pattern in OTHER_FORMATS.items():
            found = pattern.search(text)
            assert not found, (url, name, text[max(0, found.start() - 200):found.end() + 40])
        dates += len(DATE[lang].findall(text))
    assert dates >= 5  # the pages do show dates, written the one way


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_contract_page_dates_its_upload_and_its_scores_like_every_page(sign_in, demo, lang):
    org = get_by_slug(demo, "pilotim")
    client = sign_in("dpo@pilotim.example.com", "dpo", org)
    client.org_slug = org.slug
    customer = first_client(demo, org.slug)
    assert upload(client, "clients", customer.id, TEXT).status_code == 302
    client.get(f"/lang/{lang}")
    uploaded = demo.scalars(select(ContractDocument).order_by(ContractDocument.id.desc())).first().uploaded_at
    written = formats.datetime_text(uploaded if uploaded.tzinfo else uploaded.replace(tzinfo=UTC), org.timezone, lang)
    for url in (f"/orgs/{org.slug}/clients/{customer.id}/contract", f"/orgs/{org.slug}/clients/{customer.id}"):
        text = text_of(client.get(url).get_data(as_text=True))
        assert written in text, (url, written)
    scores = checker_scores()
    if scores is not None:  # the corpus scores are shipped: the day they were measured is a date like the others
        page = text_of(client.get(f"/orgs/{org.slug}/clients/{customer.id}/contract").get_data(as_text=True))
        assert formats.date_text(date.fromisoformat(scores.date), lang) in page
