"""The History section of a planned sub-processor change (Art. 28(2)) shows what was recorded in the words of its
page, in the interface language: states by their labels, each notice and objection by its client and the fields of
its form, dates in the one date format (registry.formats). No stored code, no ISO date, no JSON."""

import html
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext

from registry import formats
from registry.models import SubProcessorChange
from registry.services.organisations import get_by_slug
from tests.web.test_changes_pages import BASE, Pages, plan_new_ai

# What the audit trail stores for a change, its notices and objections: none of it may reach the reader.
STORED = ("planned", "notified", "effective", "pending", "overruled", "notices", "objections", "status", "sent_on",
          "effective_on", "earliest_effective", "dpo_decision", "received_on", "decided_on", "outcome", "client_id",
          "period_days", "True", "False", "None")


def history_text(page: str) -> str:
    """The visible text of the page's History section (the tags and their attributes left out)."""
    start = page.index('id="history"')
    section = page[start:page.index("</section>", start)]
    inline = re.sub(r"</?(strong|del|ins)>", "", section[section.index(">") + 1:])
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inline)))


def in_lang(app, lang: str, msgid: str, **values) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(msgid, **values)


@pytest.fixture
def pilotim(demo):
    return get_by_slug(demo, "pilotim")


@pytest.fixture
def dpo(sign_in, pilotim):
    return Pages(sign_in("dpo@pilotim.example.com", "dpo", pilotim))


@pytest.fixture
def decided_change(dpo, sign_in, demo, pilotim, clock):
    """PILOTIM's new AI provider planned yesterday, each client told (Brussels a day late, which moves its deadline
    and the earliest effective date), the Brussels client's objection overruled, then in effect."""
    today = clock.now.date()
    change = plan_new_ai(dpo, demo, pilotim, today - timedelta(days=1))
    url = f"{BASE}/{change.id}"
    notices = {n.client_id: n.language for n in change.notices}
    brussels = next(cid for cid, lang in notices.items() if lang == "en")
    for cid in notices:
        sent = today if cid == brussels else today - timedelta(days=1)
        assert dpo.post(f"{url}/clients/{cid}/notice", {f"c{cid}-sent_on": sent.isoformat()}).status_code == 302
    assert dpo.post(f"{url}/objections", {"client_id": str(brussels), "received_on": today.isoformat(),
                                          "grounds": "Transfer to the US"}).status_code == 302
    demo.expire_all()
    oid = demo.get(SubProcessorChange, change.id).objections[0].id
    assert dpo.post(f"{url}/decide", {"objection_id": str(oid), f"o{oid}-outcome": "overruled",
                                      f"o{oid}-decision": "SCC module 3 signées"}).status_code == 302
    effective = today + timedelta(days=30)
    clock.at_noon(effective)
    sign_in("dpo@pilotim.example.com", "dpo", pilotim)  # a month later: a new login session
    assert dpo.post(f"{url}/effective", {"on": effective.isoformat()}).status_code == 302
    return url, today, effective


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_changes_history_reads_in_the_words_of_its_page(app, dpo, decided_change, lang):
    url, told, effective = decided_change
    dpo.client.get(f"/lang/{lang}")
    text = history_text(dpo.get(url).get_data(as_text=True))

    def t(msgid, **values):
        return in_lang(app, lang, msgid, **values)

    day, later = formats.date_text(told, lang), formats.date_text(effective, lang)
    earlier, yesterday = (formats.date_text(d - timedelta(days=1), lang) for d in (effective, told))
    brussels = "Demo Estates Brussels (fictional)"
    for expected in (
        f"{t('Status')}: {t('Planned')} → {t('Clients told')}",
        f"{t('Status')}: {t('Clients told')} → {t('In effect')}",
        f"{t('In effect since')}: — → {later}",
        f"{t('Notice to %(client)s', client=brussels)} · {t('Notice sent on')}: — → {day}",
        f"{t('Notice to %(client)s', client=brussels)} · {t('Deadline')}: {earlier} → {later}",
        f"{t('Earliest effective date')}: {earlier} → {later}",
        f"{t('Notice to %(client)s', client='Agence Démo du Beffroi (fictive)')} · {t('Notice sent on')}: — → {yesterday}",
        f"{t('Objection of %(client)s', client=brussels)}: — → {t('Received on')}{t(': ')}{day} · "
        f"{t('Grounds')}{t(': ')}Transfer to the US · {t('Outcome')}{t(': ')}{t('Pending')}",
        f"{t('Objection of %(client)s', client=brussels)} · {t('Outcome')}: {t('Pending')} → {t('Overruled')}",
        f"{t('Objection of %(client)s', client=brussels)} · {t('Decision and reasons')}: — → SCC module 3 signées",
        f"{t('Objection of %(client)s', client=brussels)} · {t('Decided on')}: — → {day}",
    ):
        expected = re.sub(r"\s+", " ", expected)  # the French colon's no-break space, as the page text reads it
        assert expected in text, (expected, text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
    assert "[" not in text and "{" not in text
    words = text.replace(t("Earliest effective date"), "")  # a label that holds a code as an English word
    for code in STORED:
        assert not re.search(rf"\b{code}\b", words), (code, text)
