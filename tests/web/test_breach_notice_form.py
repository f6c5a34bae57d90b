"""The notice form of a breach proposes the recipient of the first notice still due, never one not owed a notice."""

import re
from datetime import timedelta

from sqlalchemy import select

from registry.models import Activity, ClientController
from tests.web.test_breach_pages import BASE, TOKEN, dpo, field_error, now, ovh, pilotim, record  # noqa: F401


def proposed(response) -> tuple[str, str]:
    """The recipient and client controller selected in the notice form."""
    page = response.get_data(as_text=True)

    def selected(name):
        select_ = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        found = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select_)
        return next((v for v in found.groups() if v is not None), "") if found else ""

    return selected("recipient"), selected("client_id")


def own_activities(demo, pilotim) -> list[int]:  # noqa: F811
    return list(demo.scalars(select(Activity.id).where(Activity.organisation_id == pilotim.id,
                                                        Activity.role == "controller")))


def test_a_processors_breach_proposes_a_client_owed_a_notice_not_the_cnil(dpo, demo, pilotim, ovh):  # noqa: F811
    breach = record(demo, pilotim, ovh)  # OVH reaches only the agencies' processing: no CNIL notice is PILOTIM's
    recipient, client = proposed(dpo.get(f"{BASE}/{breach.id}"))
    assert recipient == "client" and int(client) == breach.clients[0].id


def test_the_nearest_deadline_is_proposed_first(dpo, demo, pilotim, ovh):  # noqa: F811
    first = demo.scalars(select(ClientController).where(ClientController.organisation_id == pilotim.id)).first()
    first.breach_notice_hours, first.breach_notice_undue_delay = 96, False
    demo.commit()
    breach = record(demo, pilotim, ovh, activity_ids=own_activities(demo, pilotim), client_ids=[first.id],
                    risk="risk")  # not high: no letter to the data subjects, owed without undue delay, comes first
    assert proposed(dpo.get(f"{BASE}/{breach.id}")) == ("cnil", "")  # 72 hours before the contract's 96
    first.breach_notice_hours = 24
    demo.commit()
    assert proposed(dpo.get(f"{BASE}/{breach.id}")) == ("client", str(first.id))  # 24 hours before the CNIL's 72
    first.breach_notice_hours, first.breach_notice_undue_delay = None, True
    demo.commit()
    high = record(demo, pilotim, ovh, reference="2026-OWN-3", activity_ids=own_activities(demo, pilotim),
                  client_ids=[first.id])  # owed without undue delay: due now, before the CNIL's 72 hours
    assert proposed(dpo.get(f"{BASE}/{high.id}")) == ("client", str(first.id))


def test_with_no_notice_owed_nobody_is_proposed_and_a_notice_must_say_to_whom(dpo, demo, pilotim, ovh):  # noqa: F811
    breach = record(demo, pilotim, ovh, subprocessor_ids=[], activity_ids=own_activities(demo, pilotim),
                    client_ids=[], risk="unlikely", risk_reasoning="Disque chiffré, clé non compromise")
    page = dpo.get(f"{BASE}/{breach.id}")
    assert proposed(page) == ("", "")
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    sent = (now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    refused = dpo.post(f"{BASE}/{breach.id}/notices", data={"csrf_token": token, "recipient": "", "sent_at": sent})
    assert refused.status_code == 422 and field_error(refused, "recipient") == "Say to whom the notice was sent."
