"""Around midnight in Paris, "today" is the organisation's date, not UTC's: the list as of a date, the change
notice dates the forms fill in, and the breach clocks read the one clock, on month ends and clock changes."""

import html
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from registry import clock as app_clock
from registry.models import BreachCreate, SubProcessorChange
from registry.services import breaches

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NAME = "Nouvel Hébergeur Démo (fictif)"


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("at", "paris_day"), [
    ("2026-03-31T23:30:00+00:00", date(2026, 4, 1)),  # 01:30 in Paris (summer time), a month later than UTC
    ("2026-10-31T23:30:00+00:00", date(2026, 11, 1)),  # 00:30 in Paris (winter time)
    ("2026-03-29T01:30:00+00:00", date(2026, 3, 29)),  # 03:30 in Paris, just after the clocks went forward
    ("2026-10-25T00:30:00+00:00", date(2026, 10, 25)),  # 02:30 in Paris, just before the clocks go back
    ("2026-06-15T00:30:00+02:00", date(2026, 6, 15)),  # 00:30 in Paris, still 14 June in UTC
])
def test_a_sub_processor_added_today_in_paris_is_in_todays_list_and_not_yesterdays(en, make_subprocessor, clock,
                                                                                     at, paris_day):
    clock.travel(instant(at))
    make_subprocessor(legal_name=NAME)
    url = "/orgs/acme/subprocessors/as-of"
    today = en.get(url).get_data(as_text=True)  # no date given: today, in the organisation's time zone
    assert html.escape(NAME) in today and f'value="{paris_day.isoformat()}"' in today
    assert en.get(f"{url}.json").get_json()["as_of"] == paris_day.isoformat()
    yesterday = en.get(f"{url}?as_of={(paris_day - timedelta(days=1)).isoformat()}")
    assert yesterday.status_code == 200 and html.escape(NAME) not in yesterday.get_data(as_text=True)


@pytest.mark.parametrize("at", [
    "2026-06-15T00:30:00+02:00",  # summer time
    "2026-11-01T00:30:00+01:00",  # winter time, a month later than UTC (31 October, 23:30)
    "2026-03-29T00:30:00+01:00",  # the night the clocks go forward
])
def test_the_notice_date_the_change_forms_fill_in_is_accepted_at_half_past_midnight_in_paris(
        en, session, make_client, make_activity, clock, at):
    clock.travel(instant(at))
    paris_day = instant(at).date()
    client = make_client(legal_name="Client Démo (fictif)", objection_period_days=15)
    activity = make_activity(reference="HEB-01", name="Hébergement", role="processor", client_ids=[client.id])
    form = en.get("/orgs/acme/changes/new").get_data(as_text=True)
    prefilled = re.search(r'name="notice_date"[^>]*value="([^"]*)"', form).group(1)
    assert prefilled == paris_day.isoformat()
    planned = en.post("/orgs/acme/changes/new", data={
        "kind": "add", "subprocessor_id": "", "new_name": NAME, "new_country": "FR", "locations-0-country": "FR",
        "locations-0-kind": "storage", "activity_ids": str(activity.id), "notice_date": prefilled,
        "default_objection_days": "30", "csrf_token": TOKEN.search(form).group(1)})
    assert planned.status_code == 302, planned.get_data(as_text=True)
    page = en.get(planned.headers["Location"]).get_data(as_text=True)
    field = f"c{client.id}-sent_on"
    sent_on = re.search(rf'name="{field}" value="([^"]*)"', page).group(1)
    assert sent_on == paris_day.isoformat()
    told = en.post(f"{planned.headers['Location'].rstrip('/')}/clients/{client.id}/notice",
                   data={field: sent_on, "csrf_token": TOKEN.search(page).group(1)})
    assert told.status_code == 302, html.unescape(told.get_data(as_text=True))
    session.expire_all()
    change = session.scalars(select(SubProcessorChange)).one()
    notice = change.notices[0]
    assert (change.notice_date, notice.sent_on, notice.deadline) == (paris_day, paris_day, paris_day + timedelta(days=15))


@pytest.mark.parametrize(("aware", "at", "deadline", "left"), [
    # aware on Saturday morning before the clocks go back: 72 h later is 08:00 in Paris, not 09:00
    ("2026-10-24T09:00:00+02:00", "2026-10-25T00:30:00+00:00", "October 27, 2026, 08:00 (Europe/Paris, UTC+01:00)",
     "2 d 06 h 30 min"),
    # aware before the clocks go forward: 72 h later is 11:00 in Paris, not 10:00
    ("2026-03-28T10:00:00+01:00", "2026-03-29T01:30:00+00:00", "March 31, 2026, 11:00 (Europe/Paris, UTC+02:00)",
     "2 d 07 h 30 min"),
    # a month end at 23:30 UTC: the clock runs from the instant, whatever the date in either zone
    ("2026-03-31T20:00:00+02:00", "2026-03-31T23:30:00+00:00", "April 3, 2026, 20:00 (Europe/Paris, UTC+02:00)",
     "2 d 18 h 30 min"),
])
def test_the_cnil_clock_runs_72_hours_from_awareness_and_is_shown_in_paris_time(
        en, session, org, make_subprocessor, make_activity, clock, aware, at, deadline, left):
    clock.travel(instant(at))  # the signed-in session moves with it
    app_clock.set_now(instant(at), ticking=False)  # stands still: the time left is read to the minute
    sp = make_subprocessor()
    make_activity(subprocessor_ids=[sp.id])  # the organisation's own processing: it owes the CNIL notice
    # a risk, not a high one: the CNIL is owed a notice, the data subjects none, so the list shows the CNIL's deadline
    values = {**breaches.propose_impact(session, org.id, [sp.id]).create_values(), "reference": "B-1",
              "title": "Intrusion", "aware_at": instant(aware), "confidentiality": True, "risk": "risk"}
    breach = breaches.record_breach(session, org, BreachCreate.model_validate(values), actor="test")
    session.commit()
    body = html.unescape(en.get(f"/orgs/acme/breaches/{breach.id}").get_data(as_text=True))
    row = body[body.index("CNIL"):]
    row = row[:row.index("</tr>")]
    assert deadline in row and left in row
    listed = html.unescape(en.get("/orgs/acme/breaches/").get_data(as_text=True))
    assert deadline in listed


def test_the_history_of_a_record_is_dated_in_the_organisations_time_zone(en, session, org, make_subprocessor):
    org.timezone = "America/New_York"
    session.commit()
    with app_clock.frozen(instant("2026-06-15T03:00:00+00:00")):  # 23:00 the evening before in New York
        sp = make_subprocessor(legal_name=NAME)
    page = en.get(f"/orgs/acme/subprocessors/{sp.id}").get_data(as_text=True)
    assert re.search(r'<time datetime="2026-06-15T03:00:00\+00:00">June 14, 2026, 23:00 \(America/New_York, UTC-04:00\)</time>', page), page
