"""Pages outside the History section write what they hold as a reader expects it, in the interface language:
dates the one way (registry.formats), never as the ISO text the audit trail keeps; a contract's conflicting
values each in its own unit; a login session's times in the one date-time format, not "2026-12-07 04:30 UTC"."""

import html
import re
from datetime import date

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from registry import formats
from registry.models import ContractDocument, LoginSession
from registry.services.organisations import get_by_slug
from tests.web.test_contracts_web import first_client, upload

ISO = re.compile(r"(?<![\w/.-])\d{4}-\d{2}-\d{2}(?![\w/-])")
SKIP = re.compile(r"<(script|style|input|select|textarea)\b.*?(</\1>|>)", re.S | re.I)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", SKIP.sub(" ", page))))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_list_as_of_a_date_writes_the_dates_it_replays_from_the_audit_trail_like_every_page(
        app, forms, make_subprocessor, lang):
    sp = make_subprocessor()
    response = forms.submit(f"/orgs/acme/subprocessors/{sp.id}/edit", {
        "legal_name": "OVH SAS", "status": "retired", "country": "FR", "version": str(sp.version),
        "locations-0-country": "FR", "dpa_signed_on": "2026-01-15"})
    assert response.status_code == 302, response.get_data(as_text=True)
    forms.client.get(f"/lang/{lang}")
    text = text_of(forms.client.get("/orgs/acme/subprocessors/as-of").get_data(as_text=True))
    with app.test_request_context(), force_locale(lang):
        signed = gettext("DPA signed %(day)s", day=formats.date_text(date(2026, 1, 15), lang))
    assert signed in text, text
    found = ISO.search(text)
    assert not found, text[max(0, found.start() - 100):found.end() + 40]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_login_sessions_times_are_written_like_every_date_time(en, session, lang):
    en.get(f"/lang/{lang}")
    text = text_of(en.get("/account/sessions").get_data(as_text=True))
    opened = session.scalars(select(LoginSession).order_by(LoginSession.created_at.desc())).first().created_at
    assert formats.datetime_text(opened, "Europe/Paris", lang) in text, text
    assert not ISO.search(text) and " UTC " not in text.replace("(Europe/Paris, UTC", "")


CONFLICT = ("## Sous-traitance ultérieure\n"
            "Le Client peut s'opposer à un nouveau sous-traitant dans un délai de trente (30) jours suivant "
            "l'information.\n"
            "## Nouveaux sous-traitants\n"
            "Le Client peut s'opposer au nouveau sous-traitant dans un délai de dix (10) jours ouvrés suivant la "
            "notification.\n").encode()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_contracts_conflicting_periods_are_offered_each_in_its_own_unit(sign_in, demo, lang):
    org_client = first_client(demo, "pilotim")
    web = sign_in("dpo@pilotim.example.com", "dpo", get_by_slug(demo, "pilotim"))
    web.org_slug = "pilotim"
    assert upload(web, "clients", org_client.id, CONFLICT, "dpa.md").status_code == 302
    assert demo.scalars(select(ContractDocument).order_by(ContractDocument.id.desc())).first().check_result["conflicts"]
    web.get(f"/lang/{lang}")
    text = text_of(web.get(f"/orgs/pilotim/clients/{org_client.id}/contract/accept").get_data(as_text=True))
    both = {"fr": "30 jours, 10 jours ouvrés", "en": "30 days, 10 business days"}[lang]
    assert both in text, text
    assert "30, 10" not in text
