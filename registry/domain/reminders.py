"""Reminders before every deadline the register computes, as pure rules: which are due now, for whom, once.

Given the facts (plain values read by `registry.services.reminders`) and the present instant, `due_reminders`
returns what to remind each recipient of. Each reminder carries a dedupe key — deadline kind, record, threshold,
recipient — that the service stores in the same transaction as the message it queues: a key already stored is
never sent again, whatever restarts in between.

Thresholds:
- a breach notice with a fixed deadline (Arts. 33-34): 24 hours left, 6 hours left, overdue (only the most
  pressing one reached is reminded: a breach recorded 5 hours before its deadline gets the 6-hour reminder only);
- a client's objection window (Art. 28(2)) closing within 3 days;
- a planned change that can take effect (nothing blocks it any more);
- a DPF check (Art. 45(1), Decision (EU) 2023/1795) older than a year — keyed by the date checked, so a new check
  that ages in turn is reminded again;
- an activity or a sub-processor not reviewed for the organisation's review period (from its last review, or its
  creation when never reviewed) — keyed by that date;
- a data-subject request (Art. 12(3)) due within 7 days, overdue, or relayed to its client (Art. 28(3)(e)) without
  an answer for 7 days.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from registry.domain.mail import one_line
from registry.domain.requests import SOON_DAYS as REQUEST_SOON_DAYS
from registry.domain.transfers import DPF_RECHECK_DAYS
from registry.formats import date_text, datetime_text

BREACH_THRESHOLDS = (("overdue", timedelta(0)), ("6h", timedelta(hours=6)), ("24h", timedelta(hours=24)))
WINDOW_DAYS = 3  # an objection window closing within this many days is reminded
RELAY_ANSWER_DAYS = 7  # a request relayed to its client without an answer for this long is reminded
DEFAULT_REVIEW_MONTHS = 12
GROUP_OVER = 3  # more review/DPF reminders than this for one person make one message listing them
MAX_LINES = 100  # a message lists at most this many deadlines, then says how many more (the dashboard has them)
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 8  # Monday 08:00 in the organisation's time zone
DIGEST_DAYS = 7  # the digest lists what falls due within a week, and every overdue item

# The kinds of reminder a person chooses from (the preference page), each covering some deadline kinds.
CATEGORIES = ("breach", "change", "dpf", "review", "request")
GROUPED = ("dpf", "review")  # routine reminders, folded into one message when many


@dataclass(frozen=True)
class BreachClock:
    """One notice not yet sent of a breach not closed, with its fixed deadline (UTC)."""

    breach_id: int
    reference: str
    recipient: str  # cnil | client | data_subjects
    deadline: datetime
    client_id: int | None = None
    recipient_name: str = ""


@dataclass(frozen=True)
class ObjectionWindow:
    """A client's objection window of a change not yet in effect: it ends at the start of `ends` (local)."""

    change_id: int
    client_id: int
    client: str
    subprocessor: str
    ends: date


@dataclass(frozen=True)
class ReadyChange:
    """A planned change and whether anything still blocks it taking effect today."""

    change_id: int
    subprocessor: str
    earliest_effective: date
    blocked: bool


@dataclass(frozen=True)
class DpfCheck:
    transfer_id: int
    recipient: str
    checked_on: date


@dataclass(frozen=True)
class Review:
    """An activity or a sub-processor with the day it was last reviewed (or created, when never reviewed)."""

    kind: str  # activity | subprocessor
    record_id: int
    label: str
    last: date


@dataclass(frozen=True)
class RequestClock:
    request_id: int
    reference: str
    due: date
    forwarded_on: date | None = None
    client_answered: bool = False


@dataclass(frozen=True)
class Recipient:
    """A person to remind: the organisation's DPOs, and its admins who opted in; `categories` they chose."""

    user_id: int
    email: str
    language: str = "fr"
    categories: frozenset[str] = frozenset(CATEGORIES)
    digest: bool = True


@dataclass(frozen=True)
class Facts:
    """Everything of one organisation the reminders depend on."""

    timezone: str = "Europe/Paris"
    review_months: int = DEFAULT_REVIEW_MONTHS
    breaches: tuple[BreachClock, ...] = ()
    windows: tuple[ObjectionWindow, ...] = ()
    changes: tuple[ReadyChange, ...] = ()
    dpf: tuple[DpfCheck, ...] = ()
    reviews: tuple[Review, ...] = ()
    requests: tuple[RequestClock, ...] = ()


@dataclass(frozen=True)
class Item:
    """A deadline at a threshold (or, for the digest, coming): what it is, its record, when it falls due."""

    category: str  # one of CATEGORIES
    kind: str  # breach | objection_window | change_ready | dpf_check | review | request_due | request_relayed
    related_kind: str  # breach | change | transfer | activity | subprocessor | request
    related_id: int
    threshold: str  # e.g. "24h", "overdue", "3d", "ready", "2025-03-01"
    due: datetime | date | None
    part: str = ""  # which clock of the record: "cnil", "client-5", "activity"...
    label: str = ""  # the record's name (user text: plain text only)
    detail: str = ""  # a second name (the client, the sub-processor)

    def key(self, user_id: int) -> str:
        """The dedupe key of this reminder for one person: kind, record (and clock), threshold, recipient."""
        part = f"/{self.part}" if self.part else ""
        return f"{self.kind}:{self.related_kind}:{self.related_id}{part}:{self.threshold}:u{user_id}"


@dataclass(frozen=True)
class Reminder:
    item: Item
    recipient: Recipient

    @property
    def key(self) -> str:
        return self.item.key(self.recipient.user_id)


def add_months(start: date, months: int) -> date:
    """The same date `months` later, or that month's last day when it has no such date."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def breach_threshold(deadline: datetime, now: datetime) -> str | None:
    """The most pressing threshold a breach notice has reached at `now`: overdue, 6h, 24h, or None."""
    left = deadline - now
    for name, limit in BREACH_THRESHOLDS:
        if (left < limit) if name == "overdue" else (left <= limit):
            return name
    return None


def _window_start(ends: date, tz: str) -> datetime:
    return datetime.combine(ends, time(0), ZoneInfo(tz))


def items(now: datetime, facts: Facts, horizon_days: int = 0) -> list[Item]:
    """Every deadline at one of its thresholds at `now`; with `horizon_days`, also those falling due within that
    many days (threshold "coming", for the digest only)."""
    today = now.astimezone(ZoneInfo(facts.timezone)).date()
    horizon = timedelta(days=horizon_days)
    out: list[Item] = []
    for b in facts.breaches:
        reached = breach_threshold(b.deadline, now)
        if reached is None and horizon_days and b.deadline - now <= horizon:
            reached = "coming"
        if reached:
            part = b.recipient if b.client_id is None else f"client-{b.client_id}"
            out.append(Item("breach", "breach", "breach", b.breach_id, reached, b.deadline, part, b.reference,
                            b.recipient_name))
    for w in facts.windows:
        days = (w.ends - today).days
        if 0 < days <= WINDOW_DAYS or (horizon_days and 0 < days <= horizon_days):
            threshold = f"{WINDOW_DAYS}d" if days <= WINDOW_DAYS else "coming"
            out.append(Item("change", "objection_window", "change", w.change_id, threshold,
                            _window_start(w.ends, facts.timezone), f"client-{w.client_id}", w.subprocessor, w.client))
    for c in facts.changes:
        if not c.blocked and today >= c.earliest_effective:
            out.append(Item("change", "change_ready", "change", c.change_id, "ready", c.earliest_effective,
                            label=c.subprocessor))
    for d in facts.dpf:
        stale_from = d.checked_on + timedelta(days=DPF_RECHECK_DAYS + 1)
        if today >= stale_from or (horizon_days and today + horizon >= stale_from):
            threshold = d.checked_on.isoformat() if today >= stale_from else "coming"
            out.append(Item("dpf", "dpf_check", "transfer", d.transfer_id, threshold, stale_from, label=d.recipient))
    for r in facts.reviews:
        due = add_months(r.last, facts.review_months)
        if today >= due or (horizon_days and today + horizon >= due):
            threshold = r.last.isoformat() if today >= due else "coming"
            out.append(Item("review", "review", r.kind, r.record_id, threshold, due, label=r.label))
    for q in facts.requests:
        days = (q.due - today).days
        if days < 0:
            out.append(Item("request", "request_due", "request", q.request_id, "overdue", q.due, label=q.reference))
        elif days <= max(REQUEST_SOON_DAYS, horizon_days):
            threshold = f"{REQUEST_SOON_DAYS}d" if days <= REQUEST_SOON_DAYS else "coming"
            out.append(Item("request", "request_due", "request", q.request_id, threshold, q.due, label=q.reference))
        if q.forwarded_on is not None and not q.client_answered:
            since = (today - q.forwarded_on).days
            if since >= RELAY_ANSWER_DAYS:
                out.append(Item("request", "request_relayed", "request", q.request_id,
                                f"relayed-{q.forwarded_on.isoformat()}", q.forwarded_on, label=q.reference))
    return out


def due_reminders(now: datetime, facts: Facts, recipients: list[Recipient] | tuple[Recipient, ...],
                  sent: set[str] | frozenset[str] = frozenset()) -> list[Reminder]:
    """The reminders to send at `now`: each deadline at a threshold, for each recipient who chose its category,
    except those whose key is in `sent`."""
    reached = [i for i in items(now, facts) if i.threshold != "coming"]
    return [Reminder(i, r) for r in recipients for i in reached
            if i.category in r.categories and i.key(r.user_id) not in sent]


def group_messages(reminders: list[Reminder]) -> list[list[Reminder]]:
    """The messages to send: one per reminder, except that a person's review and DPF reminders, when more than
    GROUP_OVER, become one message listing them. Each person's urgent ones come first."""
    by_person: dict[int, list[Reminder]] = defaultdict(list)
    for r in reminders:
        by_person[r.recipient.user_id].append(r)
    out: list[list[Reminder]] = []
    for user_id in sorted(by_person):
        mine = by_person[user_id]
        routine = [r for r in mine if r.item.category in GROUPED]
        urgent = [r for r in mine if r.item.category not in GROUPED]
        out.extend([r] for r in urgent)
        if len(routine) > GROUP_OVER:
            out.append(routine)
        else:
            out.extend([r] for r in routine)
    return out


def digest_week(now: datetime, tz: str) -> str | None:
    """The week whose digest is due at `now`: Monday from 08:00 in the organisation's zone (the whole day, so a
    worker stopped at 08:00 still sends it later that Monday); None on any other day or earlier."""
    local = now.astimezone(ZoneInfo(tz))
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return None
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def digest_key(week: str, organisation_id: int, user_id: int) -> str:
    return f"digest:organisation:{organisation_id}:{week}:u{user_id}"


def digest_items(now: datetime, facts: Facts, recipient: Recipient) -> list[Item]:
    """What a person's weekly digest lists: every deadline at a threshold, and those due within a week."""
    return sorted((i for i in items(now, facts, DIGEST_DAYS) if i.category in recipient.categories),
                  key=lambda i: (_order(i.due), i.kind, i.related_id))


def _order(due: datetime | date | None) -> datetime:
    if due is None:
        return datetime.max.replace(tzinfo=ZoneInfo("UTC"))
    if isinstance(due, datetime):
        return due
    return datetime.combine(due, time(0), ZoneInfo("UTC"))


# --- the text of the messages (plain text, in the recipient's language) -------------------------------------

_LINES = {
    "en": {
        ("breach", "24h"): "Breach {label}: the notice to {detail} is due within 24 hours ({due}).",
        ("breach", "6h"): "Breach {label}: the notice to {detail} is due within 6 hours ({due}).",
        ("breach", "overdue"): "Breach {label}: the notice to {detail} is overdue (it was due {due}).",
        ("breach", "coming"): "Breach {label}: the notice to {detail} is due {due}.",
        ("objection_window", None): "Change of {label}: the objection window of {detail} closes {due}.",
        ("change_ready", None): "Change of {label}: nothing blocks it any more; it can take effect (from {due}).",
        ("dpf_check", None): "Transfer to {label}: its Data Privacy Framework check is older than a year "
                             "(check it again on the DPF list; due {due}).",
        ("review", None): "{label}: not reviewed for the review period (due {due}).",
        ("request_due", "overdue"): "Data-subject request {label}: overdue (it was due {due}).",
        ("request_due", None): "Data-subject request {label}: due {due}.",
        ("request_relayed", None): "Data-subject request {label}: relayed to the client on {due}, still no answer.",
    },
    "fr": {
        ("breach", "24h"): "Violation {label} : la notification à {detail} est due dans moins de 24 heures ({due}).",
        ("breach", "6h"): "Violation {label} : la notification à {detail} est due dans moins de 6 heures ({due}).",
        ("breach", "overdue"): "Violation {label} : la notification à {detail} est en retard (elle était due le {due}).",
        ("breach", "coming"): "Violation {label} : la notification à {detail} est due le {due}.",
        ("objection_window", None): "Changement de {label} : le délai d’objection de {detail} se termine le {due}.",
        ("change_ready", None): "Changement de {label} : plus rien ne le bloque ; il peut prendre effet (à partir du "
                                "{due}).",
        ("dpf_check", None): "Transfert vers {label} : la vérification du Data Privacy Framework date de plus d’un an "
                             "(à refaire sur la liste DPF ; échéance le {due}).",
        ("review", None): "{label} : non revu depuis la période de revue (échéance le {due}).",
        ("request_due", "overdue"): "Demande de personne concernée {label} : en retard (échéance le {due}).",
        ("request_due", None): "Demande de personne concernée {label} : échéance le {due}.",
        ("request_relayed", None): "Demande de personne concernée {label} : transmise au client le {due}, toujours "
                                   "sans réponse.",
    },
}
# The pages of the records a reminder is about, under /orgs/<slug>/.
AREAS = {"breach": "breaches", "change": "changes", "transfer": "transfers", "activity": "activities",
         "subprocessor": "subprocessors", "request": "requests"}
_RECORD = {
    "en": {"activity": "Activity", "subprocessor": "Sub-processor"},
    "fr": {"activity": "Activité", "subprocessor": "Sous-traitant"},
}
_RECIPIENTS = {
    "en": {"cnil": "the supervisory authority", "data_subjects": "the data subjects"},
    "fr": {"cnil": "l’autorité de contrôle", "data_subjects": "les personnes concernées"},
}
_SUBJECT = {
    "en": {"breach": "Breach {label}: notice {threshold}", "one": "Reminder: {line}",
           "many": "Reminder: {n} records to review or check", "digest": "Weekly digest: {n} deadline{s}"},
    "fr": {"breach": "Violation {label} : notification {threshold}", "one": "Rappel : {line}",
           "many": "Rappel : {n} fiches à revoir ou vérifier", "digest": "Récapitulatif de la semaine : {n} échéance{s}"},
}
_THRESHOLD = {
    "en": {"24h": "due within 24 hours", "6h": "due within 6 hours", "overdue": "overdue"},
    "fr": {"24h": "due dans moins de 24 heures", "6h": "due dans moins de 6 heures", "overdue": "en retard"},
}
_FRAME = {
    "en": {"hello": "Hello,", "intro": "The register of {org} reminds you:", "digest": "The week ahead in the register "
           "of {org} (overdue items and what falls due within 7 days):", "none": "Nothing falls due this week.",
           "more": "... and {n} more: see the dashboard, {site}/orgs/{slug}",
           "footer": "You receive this as DPO or admin of {org}. Choose which reminders you receive, in which "
           "language, and the weekly digest on your account page: {site}/account/reminders"},
    "fr": {"hello": "Bonjour,", "intro": "Le registre de {org} vous rappelle :", "digest": "La semaine dans le "
           "registre de {org} (échéances dépassées et celles des 7 prochains jours) :",
           "none": "Aucune échéance cette semaine.",
           "more": "... et {n} autres : voir le tableau de bord, {site}/orgs/{slug}",
           "footer": "Vous recevez ce message comme DPO ou administrateur de {org}. Choisissez les rappels reçus, "
           "leur langue et le récapitulatif hebdomadaire sur la page de votre compte : {site}/account/reminders"},
}


def _lang(lang: str) -> str:
    return lang if lang in _LINES else "en"


def line(item: Item, lang: str, tz: str) -> str:
    """One deadline as a sentence in `lang`, its date in the organisation's zone."""
    lang = _lang(lang)
    template = _LINES[lang].get((item.kind, item.threshold)) or _LINES[lang][(item.kind, None)]
    if isinstance(item.due, datetime):
        due = datetime_text(item.due, tz, lang)
    else:
        due = date_text(item.due, lang)
    label = one_line(item.label)
    if item.kind == "review":
        label = f"{_RECORD[lang].get(item.related_kind, item.related_kind)} {label}"
    detail = one_line(item.detail) or _RECIPIENTS[lang].get(item.part, item.part)
    return template.format(label=label, detail=detail, due=due)


def link(item: Item, site: str, slug: str) -> str:
    """The address of the record's page (the site's configured address, never one a request named)."""
    return f"{site}/orgs/{slug}/{AREAS[item.related_kind]}/{item.related_id}"


def _listed(item: Item, lang: str, tz: str, site: str, slug: str) -> str:
    return f"- {line(item, lang, tz)}\n  {link(item, site, slug)}" if slug else f"- {line(item, lang, tz)}"


def _capped(listed: list[Item], lang: str, tz: str, site: str, slug: str) -> list[str]:
    out = [_listed(i, lang, tz, site, slug) for i in listed[:MAX_LINES]]
    if len(listed) > MAX_LINES:
        out.append(_FRAME[lang]["more"].format(n=len(listed) - MAX_LINES, site=site, slug=slug))
    return out


def message(group: list[Reminder], organisation: str, tz: str, site: str = "", slug: str = "") -> tuple[str, str]:
    """(subject, body) of one message to one person: one reminder, or several review/DPF reminders listed, each
    with the address of its record's page when `slug` is given."""
    lang = _lang(group[0].recipient.language)
    org = one_line(organisation)
    frame = _FRAME[lang]
    lines = [line(r.item, lang, tz) for r in group]
    if len(group) == 1:
        item = group[0].item
        if item.kind == "breach":
            subject = _SUBJECT[lang]["breach"].format(label=one_line(item.label),
                                                      threshold=_THRESHOLD[lang][item.threshold])
        else:
            subject = _SUBJECT[lang]["one"].format(line=lines[0])
    else:
        subject = _SUBJECT[lang]["many"].format(n=len(group))
    body = "\n".join([frame["hello"], "", frame["intro"].format(org=org), "",
                      *_capped([r.item for r in group], lang, tz, site, slug), "",
                      "-- ", frame["footer"].format(org=org, site=site), ""])
    return _short(subject), body


def digest_message(listed: list[Item], recipient: Recipient, organisation: str, tz: str, site: str = "",
                   slug: str = "") -> tuple[str, str]:
    lang = _lang(recipient.language)
    org = one_line(organisation)
    frame = _FRAME[lang]
    lines = _capped(listed, lang, tz, site, slug) or [frame["none"]]
    subject = _SUBJECT[lang]["digest"].format(n=len(listed), s="s" if len(listed) > 1 else "")
    body = "\n".join([frame["hello"], "", frame["digest"].format(org=org), "", *lines, "", "-- ",
                      frame["footer"].format(org=org, site=site), ""])
    return _short(subject), body


def _short(subject: str, limit: int = 200) -> str:
    subject = one_line(subject)
    return subject if len(subject) <= limit else subject[: limit - 1] + "…"


__all__ = ["CATEGORIES", "Facts", "Item", "Reminder", "Recipient", "due_reminders", "group_messages", "digest_week",
           "digest_items", "message", "digest_message"]
