"""Data-subject requests (Arts. 12, 15-22): the legal clock and the flags of a request, as pure rules.

The clock follows Regulation (EEC, Euratom) No 1182/71 on periods, dates and time limits, as the EDPB's
Guidelines 01/2022 on the right of access (section 6.2) apply it to Art. 12(3): a period in months runs from
the day the request is received and ends on the same date of the last month, or on that month's last day when
it has no such date (Art. 3(2)(c)); a period ending on a Saturday, a Sunday or a public holiday ends at the end
of the next working day (Art. 3(4)). Dates are those of the organisation's time zone.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from registry.domain.flags import Flag
from registry.formats import date_text

# Arts. 15 to 22: the rights a request exercises (Art. 19 is the controller's duty to notify recipients).
RIGHTS = {
    "access": "Art. 15",
    "rectification": "Art. 16",
    "erasure": "Art. 17",
    "restriction": "Art. 18",
    "portability": "Art. 20",
    "objection": "Art. 21",
    "automated_decision": "Art. 22",
}
CHANNELS = ("email", "letter", "web_form", "phone", "in_person", "other")
STATUSES = ("open", "answered", "refused", "withdrawn")
CLOSED = ("answered", "refused", "withdrawn")
# Art. 12(5)(b): manifestly unfounded or excessive; Art. 23: a restriction by Union or Member State law;
# Art. 11(2)/12(2): the controller shows it cannot identify the data subject.
REFUSAL_GROUNDS = {
    "manifestly_unfounded": "Art. 12(5)(b)",
    "excessive": "Art. 12(5)(b)",
    "art23_restriction": "Art. 23",
    "not_identifiable": "Art. 11(2)",
}
MEASURES = ("erased", "rectified", "exported", "copy_sent", "restricted", "processing_stopped", "nothing_held",
            "none")
VERIFICATION_METHODS = ("known_account", "email_reply", "id_document_seen", "in_person", "other")
INITIAL_MONTHS = 1  # Art. 12(3), first sentence
EXTENSION_MONTHS = 2  # Art. 12(3), second sentence
SOON_DAYS = 7  # a request due within a week is shown before it is late
DEFAULT_RETENTION_YEARS = 5  # CNIL: closed requests kept five years as proof, then deleted


def add_months(start: date, months: int) -> date:
    """The same date `months` later, or that month's last day when it has no such date (1182/71 Art. 3(2)(c))."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    """Neither a Saturday, a Sunday nor a public holiday (1182/71 Art. 2(2))."""
    return day.weekday() < 5 and day not in holidays


def next_working_day(day: date, holidays: frozenset[date]) -> date:
    """`day` itself when it is a working day, otherwise the first working day after it (1182/71 Art. 3(4))."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def local_date(at: datetime, tz: str) -> date:
    """The date an instant falls on in the organisation's time zone: a request received at 23:30 UTC on 31
    December is received on 1 January in Paris."""
    if at.tzinfo is None:
        raise ValueError("give the time with its zone: a time without one is ambiguous")
    return at.astimezone(ZoneInfo(tz)).date()


@dataclass(frozen=True)
class Deadline:
    """When the answer is due: `nominal` is the period's last day, `due` that day moved to a working day."""

    received_on: date
    months: int
    nominal: date
    due: date

    @property
    def moved(self) -> bool:
        return self.due != self.nominal


def answer_deadline(received_on: date, holidays: frozenset[date], extended: bool = False) -> Deadline:
    """The Art. 12(3) deadline: one month from receipt, three when extended by two further months.

    The extended period is counted from receipt (1 + 2 months) rather than from the end of the first month
    already moved to a working day, so that a weekend at the end of the first month does not lengthen it.
    """
    months = INITIAL_MONTHS + (EXTENSION_MONTHS if extended else 0)
    nominal = add_months(received_on, months)
    return Deadline(received_on, months, nominal, next_working_day(nominal, holidays))


def extension_in_time(received_on: date, decided_on: date, holidays: frozenset[date]) -> bool:
    """Art. 12(3): the requester is told of an extension, with its reasons, within the first month."""
    return decided_on <= answer_deadline(received_on, holidays).due


def forwarding_deadline(received_on: date, delay_days: int | None) -> date | None:
    """When a processor must pass the request on to its client under their contract; None when it sets no delay."""
    return None if delay_days is None else received_on + timedelta(days=delay_days)


def clock_state(due: date, today: date, is_open: bool) -> str | None:
    """"overdue", "due_soon" (within SOON_DAYS), "running", or None once the request is closed."""
    if not is_open:
        return None
    if today > due:
        return "overdue"
    return "due_soon" if (due - today).days <= SOON_DAYS else "running"


def retention_end(closed_on: date, years: int) -> date:
    """The day after which a closed request is deleted: `years` after its closure (Art. 5(1)(e))."""
    return add_months(closed_on, 12 * years)


def is_expired(status: str, closed_on: date | None, years: int, today: date) -> bool:
    """A closed request past its retention period; an open request is never expired."""
    return status in CLOSED and closed_on is not None and today > retention_end(closed_on, years)


def suggested_activities(category: str | None, activities: list[tuple[int, list[str]]],
                         chosen: set[int] = frozenset()) -> list[int]:
    """The activities whose data subjects (Art. 30(1)(c)) include the requester's category, not yet chosen: the
    ones a request from such a person most likely concerns (the DPO confirms them). "other" suggests nothing."""
    if not category or category == "other":
        return []
    return [i for i, codes in activities if category in codes and i not in chosen]


@dataclass(frozen=True)
class RequestFacts:
    """What the flags of one request need, as plain values."""

    status: str
    received_on: date
    today: date
    rights: tuple[str, ...] = ()
    extended: bool = False
    extension_decided_on: date | None = None
    extension_reasons: str | None = None
    refusal_ground: str | None = None
    answered_on: date | None = None
    identity_verified_on: date | None = None
    on_behalf_of_client: bool = False
    forwarded_on: date | None = None
    client_answered_on: date | None = None
    forward_delay_days: int | None = None


def request_flags(f: RequestFacts, holidays: frozenset[date]) -> list[Flag]:
    """The findings on one request: clock, extension, refusal and, for a processor, the relay (Arts. 12, 28(3)(e))."""
    flags: list[Flag] = []
    is_open = f.status == "open"
    deadline = answer_deadline(f.received_on, holidays, f.extended)
    state = clock_state(deadline.due, f.today, is_open)
    if state == "overdue":
        flags.append(Flag("request_overdue", "Art. 12(3)", "answered_on", "risk", (("due", deadline.due.isoformat()),)))
    elif state == "due_soon":
        flags.append(Flag("request_due_soon", "Art. 12(3)", "answered_on", "warning",
                          (("due", deadline.due.isoformat()),)))
    if not f.rights:
        flags.append(Flag("request_no_right", "Art. 12(1)", "rights"))
    if f.extended:
        if f.extension_decided_on is None:
            flags.append(Flag("request_extension_undated", "Art. 12(3)", "extension_decided_on"))
        elif not extension_in_time(f.received_on, f.extension_decided_on, holidays):
            flags.append(Flag("request_extension_late", "Art. 12(3)", "extension_decided_on", "risk"))
        if not (f.extension_reasons or "").strip():
            flags.append(Flag("request_extension_no_reasons", "Art. 12(3)", "extension_reasons"))
    if f.status == "refused" and not f.refusal_ground:
        flags.append(Flag("request_refusal_no_ground", "Art. 12(4)", "refusal_ground"))
    if f.status == "answered" and f.answered_on is None:
        flags.append(Flag("request_answer_undated", "Art. 5(2)", "answered_on"))
    if f.on_behalf_of_client:
        if f.forward_delay_days is None:
            flags.append(Flag("request_forward_delay_not_stated", "Art. 28(3)(e)", "client_id", "warning"))
        if is_open and f.forwarded_on is None:
            flags.append(Flag("request_not_forwarded", "Art. 28(3)(e)", "forwarded_on", "risk"))
        elif is_open and f.client_answered_on is None:
            flags.append(Flag("request_relayed_unanswered", "Art. 28(3)(e)", "client_answered_on", "warning"))
    return flags


# The message a processor sends its client, in the client's language (not the reader's): the DPO copies it.
_RIGHT_NAMES = {
    "fr": {"access": "accès (art. 15)", "rectification": "rectification (art. 16)", "erasure": "effacement (art. 17)",
           "restriction": "limitation (art. 18)", "portability": "portabilité (art. 20)",
           "objection": "opposition (art. 21)", "automated_decision": "décision automatisée (art. 22)"},
    "en": {"access": "access (Art. 15)", "rectification": "rectification (Art. 16)", "erasure": "erasure (Art. 17)",
           "restriction": "restriction (Art. 18)", "portability": "portability (Art. 20)",
           "objection": "objection (Art. 21)", "automated_decision": "automated decision (Art. 22)"},
}
_MESSAGE = {
    "fr": (
        "Objet : demande d'exercice de droits reçue pour votre compte (réf. {reference})\n\n"
        "Bonjour,\n\n"
        "En notre qualité de sous-traitant (article 28(3)(e) du RGPD), nous vous transmettons une demande reçue "
        "le {received} pour un traitement que nous effectuons pour {client}.\n\n"
        "Droit(s) exercé(s) : {rights}\n"
        "Traitement(s) concerné(s) : {activities}\n"
        "Demandeur : {requester}\n\n"
        "Il vous appartient, en tant que responsable du traitement, d'y répondre. Selon l'article 12(3), le délai "
        "d'un mois court à compter de la réception de la demande : au plus tard le {due}, sauf prolongation "
        "notifiée au demandeur.\n\n"
        "Nous pouvons vous aider : extraction des données concernées (accès, portabilité), rectification, "
        "effacement ou limitation dans nos systèmes, sur vos instructions écrites.\n\n"
        "Merci de nous indiquer la suite à donner.\n\n{organisation}"
    ),
    "en": (
        "Subject: data-subject request received on your behalf (ref. {reference})\n\n"
        "Hello,\n\n"
        "As your processor (Article 28(3)(e) GDPR), we forward a request received on {received} about processing "
        "we carry out for {client}.\n\n"
        "Right(s) exercised: {rights}\n"
        "Processing concerned: {activities}\n"
        "Requester: {requester}\n\n"
        "As controller, it is for you to answer it. Under Article 12(3) the one-month period runs from receipt of "
        "the request: by {due} at the latest, unless the requester is told of an extension.\n\n"
        "We can help: extract the data concerned (access, portability), rectify, erase or restrict them in our "
        "systems, on your written instructions.\n\n"
        "Please tell us how you wish to proceed.\n\n{organisation}"
    ),
}


def forward_message(lang: str, *, reference: str, received_on: date, rights: list[str], activities: list[str],
                    requester: str, due: date, organisation: str, client: str) -> str:
    """The text a processor sends to forward a request to its client (Art. 28(3)(e)), in the client's language."""
    lang = lang if lang in _MESSAGE else "en"
    dash = "—"
    return _MESSAGE[lang].format(
        reference=reference, received=date_text(received_on, lang), due=date_text(due, lang), client=client,
        rights=", ".join(_RIGHT_NAMES[lang].get(r, r) for r in rights) or dash,
        activities="; ".join(activities) or dash, requester=requester or dash, organisation=organisation,
    )

