"""No page shows text of the other language: an English message on a French page (or the French one on an English
page) is a string that missed the catalog, a template written in one language, or a label built outside it.

Catalog-based: every interface message whose French differs from its English is looked for, in the other
language's rendering, in the text a person reads (text nodes, and the labels assistive technology reads out).
Short messages are left out: a word such as "Service" or "Notes" is the same in both languages or part of data.
"""

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from registry.i18n import read_catalog
from registry.models import Activity, Breach, ClientController, SubProcessor, SubProcessorChange, Transfer
from registry.services.organisations import get_by_slug

ROOT = Path(__file__).resolve().parents[2]
MIN_LENGTH = 14  # characters of a message fragment looked for
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
SKIP = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
READ_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def fragments(text: str) -> set[str]:
    """The fixed parts of a message (between its placeholders) long enough to be telling."""
    return {f.strip() for f in PLACEHOLDER.split(text) if len(f.strip()) >= MIN_LENGTH}


@pytest.fixture(scope="module")
def messages() -> dict[str, set[str]]:
    """For each language, the message fragments that belong only to the other one."""
    catalog = read_catalog(ROOT / "registry/translations/fr/LC_MESSAGES")
    english, french = set(), set()
    for m in catalog:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        en = set().union(*(fragments(i) for i in ids))
        fr = set().union(*(fragments(s) for s in strings))
        english |= en - fr
        french |= fr - en
    # A fragment that is a message of both languages (a proper name, an article) says nothing.
    return {"fr": english - french, "en": french - english}


def readable(page: str) -> str:
    """What a person reads or hears: text nodes and the labels read out, as one normalised text."""
    body = SKIP.sub(" ", page)
    spoken = " ".join(READ_ATTRIBUTES.findall(body))
    return re.sub(r"\s+", " ", html.unescape(TAG.sub(" ", body) + " " + spoken))


def pages(session) -> list[str]:
    org = get_by_slug(session, "pilotim")
    base = f"/orgs/{org.slug}"

    def first(model):
        return session.scalars(select(model).where(model.organisation_id == org.id).order_by(model.id)).first()

    urls = [f"{base}/", f"{base}/documents/", f"{base}/subprocessors/as-of", f"{base}/subprocessors/compare",
            f"{base}/law/what-if", f"{base}/law/what-if?example=what-if-dpf-invalidated&start=2027-01-01"]
    for area in ("activities", "clients", "subprocessors", "transfers", "retention", "measures", "breaches",
                 "changes"):
        urls.append(f"{base}/{area}/")
    for area in ("activities", "clients", "subprocessors", "transfers", "retention", "measures"):
        urls.append(f"{base}/{area}/new")
    for area, model in (("activities", Activity), ("clients", ClientController), ("subprocessors", SubProcessor),
                        ("transfers", Transfer), ("breaches", Breach), ("changes", SubProcessorChange)):
        record = first(model)
        if record is not None:
            urls.append(f"{base}/{area}/{record.id}")
            if area not in ("breaches", "changes"):
                urls.append(f"{base}/{area}/{record.id}/edit")
    return urls


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_page_shows_text_of_the_other_language(sign_in, demo, messages, lang):
    client = sign_in("dpo@pilotim.example.com", "dpo", get_by_slug(demo, "pilotim"))
    client.get(f"/lang/{lang}")
    other = "en" if lang == "fr" else "fr"
    leaks, own = {}, set()
    for url in pages(demo):
        response = client.get(url)
        assert response.status_code == 200, url
        text = readable(response.get_data(as_text=True))
        found = sorted(f for f in messages[lang] if f in text)
        if found:
            leaks[url] = found
        own |= {f for f in messages[other] if f in text}
    # The same search finds the page's own language everywhere: it reads the text, it is not blind.
    assert len(own) > 100
    assert leaks == {}
