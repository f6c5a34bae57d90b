"""Reminders by e-mail before deadlines: sent once per deadline, threshold and person — through a real SMTP server
or the outbox —, never again after the worker restarts; the person's choices; "mark as reviewed"; the digest."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from registry import clock as app_clock
from registry.jobs import tasks
from registry.models import (
    Activity,
    Breach,
    ClientController,
    DataRequest,
    MailMessage,
    Organisation,
    ReminderPreference,
    SentReminder,
)
from tests.mail import deliver_all

NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # Tuesday 10 March 2026, noon in Paris
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def worker(database_url, tmp_path, **config):
    """A new app, as a worker process that starts: nothing in memory, the same database and instance folder."""
    from registry import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "REGISTRY_BOOTSTRAP_ADMIN": False,
                      "REGISTRY_AUDIT_HEAD_FILE": str(tmp_path / "instance" / "audit-head.log"), **config})
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture
def acme(session, auth):
    """An organisation with a DPO and an admin (who has not opted in), the clock standing at NOON."""
    app_clock.set_now(NOON, ticking=False)
    org = Organisation(slug="acme", legal_name="ACME SAS", country="FR", acts_as="both")
    session.add(org)
    session.commit()
    auth.user("dpo@acme.example.com", "dpo", ["acme"])
    auth.user("admin@acme.example.com", "admin", ["acme"])
    return org


def add_breach(session, org, aware_at) -> Breach:
    """A breach of the organisation's own activities: the authority's 72-hour clock runs (Art. 33(1))."""
    breach = Breach(organisation_id=org.id, reference="B-2026-1", title="Lost laptop", confidentiality=True,
                    aware_at=aware_at)
    session.add(breach)
    session.commit()
    return breach


def sent(session) -> list[MailMessage]:
    session.expire_all()
    return list(session.scalars(select(MailMessage).order_by(MailMessage.id)))


def test_the_24_hour_reminder_is_sent_once_and_not_again_after_the_worker_restarts(
        database_url, tmp_path, smtp_server, session, acme):
    breach = add_breach(session, acme, aware_at=NOON - timedelta(hours=48))  # 72 h clock: 24 h left now
    first = worker(database_url, tmp_path, REGISTRY_SMTP_URL=smtp_server.url,
                   REGISTRY_BASE_URL="https://registre.example.org")
    assert tasks.remind_all(first).messages == 1
    deliver_all(first)
    [received] = smtp_server.messages
    assert received["To"] == "dpo@acme.example.com"  # the DPO; the admin did not opt in
    assert received["Subject"] == "Violation B-2026-1 : notification due dans moins de 24 heures"
    text = received.get_body(("plain",)).get_content()
    assert "est due dans moins de 24 heures (11 mars 2026, 12:00 (Europe/Paris, UTC+01:00))." in text
    assert f"  https://registre.example.org/orgs/acme/breaches/{breach.id}\n" in text.replace("\r\n", "\n")
    assert "https://registre.example.org/account/reminders" in text
    [message] = sent(session)
    assert (message.status, message.purpose, message.related_kind) == ("sent", "reminder", "breach")

    app_clock.set_now(NOON + timedelta(minutes=10), ticking=False)
    restarted = worker(database_url, tmp_path, REGISTRY_SMTP_URL=smtp_server.url)
    assert tasks.remind_all(restarted).messages == 0
    deliver_all(restarted)
    assert len(smtp_server.messages) == 1 and len(sent(session)) == 1


def test_each_threshold_is_reminded_once_then_the_next_and_the_outbox_holds_them_without_smtp(
        database_url, tmp_path, session, acme):
    breach = add_breach(session, acme, aware_at=NOON - timedelta(hours=40))  # 32 h left: nothing yet
    run = worker(database_url, tmp_path)
    assert tasks.remind_all(run).messages == 0
    deadline = breach.aware_at + timedelta(hours=72)
    for at, threshold in ((deadline - timedelta(hours=24), "24h"), (deadline - timedelta(hours=23), None),
                          (deadline - timedelta(hours=6), "6h"), (deadline - timedelta(minutes=1), None),
                          (deadline + timedelta(minutes=1), "overdue"), (deadline + timedelta(days=2), None)):
        app_clock.set_now(at, ticking=False)
        assert tasks.remind_all(worker(database_url, tmp_path)).messages == (1 if threshold else 0), at
    deliver_all(run)
    keys = sorted(session.scalars(select(SentReminder.key)))
    user = session.scalar(select(SentReminder.user_id))
    assert keys == sorted(f"breach:breach:{breach.id}/cnil:{t}:u{user}" for t in ("24h", "6h", "overdue"))
    assert [m.status for m in sent(session)] == ["outbox"] * 3
    outbox = sorted((tmp_path / "instance" / "outbox").glob("*.eml"))
    assert len(outbox) == 3 and "en retard" in outbox[-1].read_text("utf-8")


def test_a_person_chooses_kinds_language_and_admins_opt_in_on_the_account_page(
        database_url, tmp_path, session, acme, sign_in):
    add_breach(session, acme, aware_at=NOON - timedelta(hours=60))  # 12 h left
    old = Activity(organisation_id=acme.id, reference="A-1", name="Payroll", role="controller",
                   created_at=NOON - timedelta(days=400))
    session.add(old)
    session.commit()
    # The DPO keeps only the reviews, in English; the admin opts in to breaches.
    dpo = sign_in("dpo@acme.example.com", "dpo", acme)
    page = dpo.get("/account/reminders")
    assert page.status_code == 200 and "Remind me of" in page.get_data(as_text=True)
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    saved = dpo.post("/account/reminders", data={"csrf_token": token, "categories": ["review"], "language": "en"})
    assert saved.status_code == 302
    admin = sign_in("admin@acme.example.com", "admin", acme)
    token = CSRF.search(admin.get("/account/reminders").get_data(as_text=True)).group(1)
    assert admin.post("/account/reminders", data={"csrf_token": token, "categories": ["breach"], "language": "fr",
                                                  "digest": "y", "as_admin": "y"}).status_code == 302
    refused = admin.post("/account/reminders", data={"csrf_token": token, "categories": ["everything"],
                                                     "language": "de"})
    assert refused.status_code == 200 and 'aria-invalid="true"' in refused.get_data(as_text=True)

    assert tasks.remind_all(worker(database_url, tmp_path)).messages == 2
    got = {(m.to_address, m.language, m.related_kind) for m in sent(session)}
    assert got == {("dpo@acme.example.com", "en", "activity"), ("admin@acme.example.com", "fr", "breach")}
    review = next(m for m in sent(session) if m.related_kind == "activity")
    assert review.subject.startswith("Reminder: Activity A-1 · Payroll: not reviewed")
    pref = session.get(ReminderPreference, session.scalar(select(SentReminder.user_id).where(
        SentReminder.key.like("review:%"))))
    assert (pref.categories, pref.language, pref.digest) == (["review"], "en", False)


def test_mark_as_reviewed_restarts_the_review_period_and_many_reviews_make_one_message(
        database_url, tmp_path, session, acme, sign_in):
    old = NOON - timedelta(days=400)
    rows = [Activity(organisation_id=acme.id, reference=f"A-{i}", name=f"Activity {i}", role="controller",
                     created_at=old) for i in range(1, 6)]
    session.add_all(rows)
    session.commit()
    dpo = sign_in("dpo@acme.example.com", "dpo", acme)
    page = dpo.get(f"/orgs/acme/activities/{rows[0].id}").get_data(as_text=True)
    assert "Never marked as reviewed" in page
    done = dpo.post(f"/orgs/acme/activities/{rows[0].id}/reviewed", data={"csrf_token": CSRF.search(page).group(1)})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Activity, rows[0].id).reviewed_on == date(2026, 3, 10)
    assert "Reviewed on March 10, 2026" in dpo.get(f"/orgs/acme/activities/{rows[0].id}").get_data(as_text=True)

    assert tasks.remind_all(worker(database_url, tmp_path)).messages == 1  # four reviews: one message
    [message] = sent(session)
    assert message.subject == "Rappel : 4 fiches à revoir ou vérifier" and message.body.count("\n- Activité A-") == 4
    app_clock.set_now(datetime(2027, 3, 10, 11, 0, tzinfo=UTC), ticking=False)  # a year after the review
    assert tasks.remind_all(worker(database_url, tmp_path)).messages == 1
    assert sent(session)[-1].related_id == rows[0].id


def test_requests_due_within_7_days_overdue_or_relayed_without_answer_are_reminded(
        database_url, tmp_path, session, acme):
    client = ClientController(organisation_id=acme.id, legal_name="Client SA", country="FR")
    session.add(client)
    session.flush()
    session.add_all([
        DataRequest(organisation_id=acme.id, reference="R-soon", received_on=date(2026, 2, 14), rights=["access"]),
        DataRequest(organisation_id=acme.id, reference="R-late", received_on=date(2026, 1, 5), rights=["access"]),
        DataRequest(organisation_id=acme.id, reference="R-far", received_on=date(2026, 3, 1), rights=["erasure"],
                    client_id=client.id, forwarded_on=date(2026, 3, 2)),
        DataRequest(organisation_id=acme.id, reference="R-new", received_on=date(2026, 3, 9), rights=["erasure"],
                    client_id=client.id, forwarded_on=date(2026, 3, 9)),
    ])
    session.commit()
    assert tasks.remind_all(worker(database_url, tmp_path)).messages == 3
    subjects = sorted(m.subject for m in sent(session))
    assert subjects == [
        "Rappel : Demande de personne concernée R-far : transmise au client le 2 mars 2026, toujours sans réponse.",
        "Rappel : Demande de personne concernée R-late : en retard (échéance le 5 février 2026).",
        "Rappel : Demande de personne concernée R-soon : échéance le 16 mars 2026.",
    ]
    assert tasks.remind_all(worker(database_url, tmp_path)).messages == 0


def test_the_weekly_digest_goes_on_monday_from_8_once_to_those_who_want_it(database_url, tmp_path, session, acme):
    add_breach(session, acme, aware_at=datetime(2026, 3, 16, 6, 0, tzinfo=UTC))  # due Thursday 19 March
    app_clock.set_now(datetime(2026, 3, 16, 6, 55, tzinfo=UTC), ticking=False)  # Monday 07:55 in Paris
    assert tasks.remind_all(worker(database_url, tmp_path)).digests == 0
    app_clock.set_now(datetime(2026, 3, 16, 7, 5, tzinfo=UTC), ticking=False)  # 08:05
    assert tasks.remind_all(worker(database_url, tmp_path)).digests == 1
    [digest] = [m for m in sent(session) if m.purpose == "digest"]
    assert digest.subject == "Récapitulatif de la semaine : 1 échéance" and "B-2026-1" in digest.body
    app_clock.set_now(datetime(2026, 3, 16, 9, 5, tzinfo=UTC), ticking=False)
    assert tasks.remind_all(worker(database_url, tmp_path)).digests == 0
    assert session.scalar(select(func.count()).select_from(MailMessage).where(MailMessage.purpose == "digest")) == 1


def test_review_dates_and_period_travel_with_the_json_export(runner, demo, tmp_path):
    pilotim = demo.scalar(select(Organisation).where(Organisation.slug == "pilotim"))
    activity = demo.scalar(select(Activity).where(Activity.organisation_id == pilotim.id).order_by(Activity.id))
    activity.reviewed_on, pilotim.review_months = date(2026, 1, 15), 6
    demo.commit()
    out = tmp_path / "pilotim.json"
    assert runner.invoke(args=["export-json", "--org", "pilotim", "-o", str(out)]).exit_code == 0
    assert runner.invoke(args=["import-json", str(out), "--slug", "pilotim-copy"]).exit_code == 0
    copy = demo.scalar(select(Organisation).where(Organisation.slug == "pilotim-copy"))
    assert copy.review_months == 6
    assert demo.scalar(select(Activity.reviewed_on).where(Activity.organisation_id == copy.id,
                                                          Activity.reference == activity.reference)) == date(2026, 1, 15)
