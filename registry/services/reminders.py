"""Reminders by e-mail before every deadline, and the weekly digest: facts read in a few queries per organisation,
the rules of `registry.domain.reminders`, one message queued per person and message, and the keys of what was
queued written in the same transaction (so a worker that restarts, or runs twice, never repeats one).

Recipients: the organisation's DPOs (unless they turned every kind off), and its admins who opted in, each with
the kinds of reminder, the language and the digest of their preference (`/account/reminders`).
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from registry import audit, clock
from registry.domain import reminders as rules
from registry.domain.transfers import DPF_RECHECK_DAYS
from registry.models import (
    Activity,
    ChangeNotice,
    ClientController,
    DataRequest,
    Membership,
    Organisation,
    ReminderPreference,
    SentReminder,
    SubProcessor,
    SubProcessorChange,
    Transfer,
    User,
)
from registry.models.reminders import REMINDER_CATEGORIES
from registry.services.breaches import urgent_deadlines
from registry.services.crud import Invalid, apply
from registry.services.mail import queue_mail
from registry.services.requests import deadline as request_deadline

ACTOR = "reminders"  # who queued the message, in the outbox and the history
LANGUAGES = ("fr", "en")


@dataclass
class Outcome:
    """What one run queued: messages, reminders (a grouped message carries several), digests."""

    messages: int = 0
    reminders: int = 0
    digests: int = 0

    def add(self, other: "Outcome") -> None:
        self.messages += other.messages
        self.reminders += other.reminders
        self.digests += other.digests


# --- facts --------------------------------------------------------------------------------------------------


def _local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, datetime.min.time(), ZoneInfo(tz))


def facts(session: Session, org: Organisation, now: datetime) -> rules.Facts:
    """Every deadline of the organisation the reminders (and the digest's week ahead) may concern."""
    today = now.astimezone(ZoneInfo(org.timezone)).date()
    ahead = today + timedelta(days=rules.DIGEST_DAYS)
    breaches = tuple(
        rules.BreachClock(row.breach_id, row.reference, row.clock.recipient, row.clock.deadline, row.clock.client_id,
                          row.clock.recipient_name("en") if row.clock.recipient != "data_subjects" else "")
        for row in urgent_deadlines(session, [org.id], now=now, window=timedelta(days=rules.DIGEST_DAYS))
        if row.clock.deadline is not None
    )
    windows = tuple(
        rules.ObjectionWindow(change_id, client_id, client, sp_name, ends)
        for change_id, client_id, client, sp_name, ends in session.execute(
            select(SubProcessorChange.id, ChangeNotice.client_id, ClientController.legal_name, SubProcessor.legal_name,
                   ChangeNotice.deadline)
            .join(ChangeNotice, ChangeNotice.change_id == SubProcessorChange.id)
            .join(SubProcessor, SubProcessor.id == SubProcessorChange.subprocessor_id)
            .join(ClientController, ClientController.id == ChangeNotice.client_id)
            .where(SubProcessorChange.organisation_id == org.id,
                   SubProcessorChange.status.in_(("planned", "notified")),
                   ChangeNotice.period_days > 0, ChangeNotice.deadline > today, ChangeNotice.deadline <= ahead)
            .order_by(SubProcessorChange.id, ChangeNotice.client_id))
    )
    changes = _ready_changes(session, org, today)
    dpf = tuple(
        rules.DpfCheck(tid, recipient, checked)
        for tid, recipient, checked in session.execute(
            select(Transfer.id, Transfer.recipient, Transfer.dpf_checked_on)
            .where(Transfer.organisation_id == org.id, Transfer.mechanism == "dpf",
                   Transfer.dpf_checked_on < ahead - timedelta(days=DPF_RECHECK_DAYS))
            .order_by(Transfer.id))
    )
    reviews = _reviews(session, org, ahead)
    requests = []
    for r in session.scalars(select(DataRequest).where(DataRequest.organisation_id == org.id,
                                                       DataRequest.status == "open").order_by(DataRequest.id)):
        requests.append(rules.RequestClock(r.id, r.reference, request_deadline(org, r).due, r.forwarded_on,
                                           r.client_answered_on is not None))
    return rules.Facts(org.timezone, org.review_months, breaches, windows, changes, dpf, reviews, tuple(requests))


def _ready_changes(session: Session, org: Organisation, today: date) -> tuple[rules.ReadyChange, ...]:
    """Planned changes whose earliest day has come, with whether anything still blocks them (few per organisation)."""
    from registry.services.changes import effect_blockers

    out = []
    for change in session.scalars(select(SubProcessorChange).where(
            SubProcessorChange.organisation_id == org.id, SubProcessorChange.status.in_(("planned", "notified")),
            or_(SubProcessorChange.earliest_effective.is_(None), SubProcessorChange.earliest_effective <= today))
            .order_by(SubProcessorChange.id)):
        sp = session.get(SubProcessor, change.subprocessor_id)
        earliest = change.earliest_effective or change.notice_date
        out.append(rules.ReadyChange(change.id, sp.legal_name if sp else "", earliest,
                                     bool(effect_blockers(session, change, today))))
    return tuple(out)


def _reviews(session: Session, org: Organisation, ahead: date) -> tuple[rules.Review, ...]:
    """Activities and sub-processors in use whose last review (or creation) is older than the review period (or
    will be within the digest's week): only those rows are read."""
    cutoff = rules.add_months(ahead, -org.review_months)
    cutoff_at = _local_midnight(cutoff + timedelta(days=1), org.timezone)
    out = []
    for model, kind, label in ((Activity, "activity", lambda ref, name: f"{ref} · {name}"),
                               (SubProcessor, "subprocessor", lambda ref, name: name)):
        first = Activity.reference if model is Activity else SubProcessor.trade_name
        name = Activity.name if model is Activity else SubProcessor.legal_name
        rows = session.execute(
            select(model.id, first, name, model.reviewed_on, model.created_at)
            .where(model.organisation_id == org.id, model.status != "retired",
                   or_(model.reviewed_on <= cutoff, and_(model.reviewed_on.is_(None), model.created_at < cutoff_at)))
            .order_by(model.id))
        for rid, ref, title, reviewed, created in rows:
            last = reviewed or created.astimezone(ZoneInfo(org.timezone)).date()
            out.append(rules.Review(kind, rid, label(ref, title), last))
    return tuple(out)


# --- recipients and preferences ------------------------------------------------------------------------------


def preference(session: Session, user_id: int) -> ReminderPreference:
    """A person's choice, or the default (every kind, French, the digest; admins not opted in) when never saved."""
    return session.get(ReminderPreference, user_id) or ReminderPreference(user_id=user_id)


def recipients(session: Session, org: Organisation) -> list[rules.Recipient]:
    """The organisation's DPOs and the admins who opted in, active accounts only, each with their preference."""
    rows = session.execute(
        select(User.id, User.email, Membership.role, ReminderPreference)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(ReminderPreference, ReminderPreference.user_id == User.id)
        .where(Membership.organisation_id == org.id, Membership.role.in_(("dpo", "admin")), User.is_active.is_(True))
        .order_by(User.id)).all()
    out = []
    for user_id, email, role, pref in rows:
        pref = pref or ReminderPreference(user_id=user_id)
        if role == "admin" and not pref.as_admin:
            continue
        out.append(rules.Recipient(user_id, email, pref.language if pref.language in LANGUAGES else "fr",
                                   frozenset(c for c in (pref.categories or ()) if c in REMINDER_CATEGORIES),
                                   pref.digest))
    return out


def save_preference(session: Session, user: User, *, categories: list[str], language: str, digest: bool,
                    as_admin: bool) -> ReminderPreference:
    """Record what a person wants reminded (a setting of their own account, like their sessions: not in the
    register's audit trail)."""
    if language not in LANGUAGES:
        raise Invalid({"language": ["Pick French or English."]})
    unknown = [c for c in categories if c not in REMINDER_CATEGORIES]
    if unknown:
        raise Invalid({"categories": [f"Unknown kind of reminder: {', '.join(unknown)}."]})
    pref = session.get(ReminderPreference, user.id)
    if pref is None:
        pref = ReminderPreference(user_id=user.id)
        session.add(pref)
    after = {"language": language, "categories": [c for c in REMINDER_CATEGORIES if c in categories],
             "digest": bool(digest), "as_admin": bool(as_admin)}
    for name, value in after.items():
        setattr(pref, name, value)
    pref.updated_at = clock.now()
    session.flush()
    return pref


# --- the run --------------------------------------------------------------------------------------------------


def sent_keys(session: Session, org: Organisation) -> set[str]:
    return set(session.scalars(select(SentReminder.key).where(SentReminder.organisation_id == org.id)))


def remind_organisation(session: Session, org: Organisation, now: datetime | None = None, site: str = "") -> Outcome:
    """Queue the organisation's due reminders and, on Monday from 08:00 in its zone, the weekly digests; record each
    key with its message. `site` is the register's external address, for the links. Flushes only: the caller
    commits (the messages leave once it does)."""
    now = now or clock.now()
    people = recipients(session, org)
    outcome = Outcome()
    if not people:
        return outcome
    known = facts(session, org, now)
    sent = sent_keys(session, org)
    for group in rules.group_messages(rules.due_reminders(now, known, people, sent)):
        person = group[0].recipient
        subject, body = rules.message(group, org.legal_name, org.timezone, site, org.slug)
        first = group[0].item
        related = (first.related_kind, first.related_id) if len(group) == 1 else None
        msg = queue_mail(session, org, to=person.email, language=person.language, subject=subject, body=body,
                         purpose="reminder", actor=ACTOR, related=related,
                         details=json.dumps({"keys": [r.key for r in group]}))
        session.flush()
        for r in group:
            session.add(SentReminder(key=r.key, organisation_id=org.id, user_id=person.user_id, message_id=msg.id))
        outcome.messages += 1
        outcome.reminders += len(group)
    week = rules.digest_week(now, org.timezone)
    if week is not None:
        for person in people:
            key = rules.digest_key(week, org.id, person.user_id)
            if not person.digest or not person.categories or key in sent:
                continue
            listed = rules.digest_items(now, known, person)
            subject, body = rules.digest_message(listed, person, org.legal_name, org.timezone, site,
                                                  org.slug)
            msg = queue_mail(session, org, to=person.email, language=person.language, subject=subject, body=body,
                             purpose="digest", actor=ACTOR, details=json.dumps({"week": week, "items": len(listed)}))
            session.flush()
            session.add(SentReminder(key=key, organisation_id=org.id, user_id=person.user_id, message_id=msg.id))
            outcome.messages += 1
            outcome.digests += 1
    session.flush()
    return outcome


def organisation_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Organisation.id).order_by(Organisation.id)))


# --- "mark as reviewed" -------------------------------------------------------------------------------------


def mark_reviewed(session: Session, org: Organisation, obj: Activity | SubProcessor, actor: str) -> dict:
    """The DPO reviewed the record today (in the organisation's zone): its review reminders start again from today."""
    from registry.services.crud import record_update

    before = audit.snapshot(obj)
    changes = apply(obj, {"reviewed_on": clock.today(org.timezone)})
    if changes:
        record_update(session, obj, before, changes, actor)
    return changes
