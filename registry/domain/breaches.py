"""Breach deadlines and consistency rules (Arts. 33-34): who must be told, by when, and what a record must say."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from registry import reference
from registry.domain import refusals
from registry.reference import Law, Regime

RISKS = ("unlikely", "risk", "high")
NATURES = ("confidentiality", "integrity", "availability")
PHASES = ("initial", "follow_up", "final")
STATUSES = ("open", "contained", "closed")
RECIPIENTS = ("cnil", "client", "data_subjects")
# Art. 34(3): (a) data unintelligible (e.g. encrypted), (b) later measures remove the high risk,
# (c) individual communication would be disproportionate effort (a public communication replaces it).
EXEMPTIONS = ("art34_3_a", "art34_3_b", "art34_3_c")

DUE_SOON = timedelta(hours=24)
DEFAULT_TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class Problem:
    """A rule a breach or a notice breaks, named by the field to correct and the article that sets it."""

    code: str
    field: str
    article: str
    en: str
    fr: str

    def message(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


class Refused(refusals.Refused):
    """Raised by services when a user action breaks one of these rules; `problems` carry the fields."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.by_field("en"))

    def by_field(self, lang: str = "en") -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.field, []).append(p.message(lang))
        return out


# --- time: stored in UTC, shown in the organisation's zone -------------------------------------------


def ensure_utc(moment: datetime, what: str = "time") -> datetime:
    """An aware datetime in UTC; a naive one is refused because its zone would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what}: a time without a time zone is ambiguous; give it in UTC or with its offset")
    return moment.astimezone(UTC)


def to_local(moment: datetime, tz_name: str = DEFAULT_TIMEZONE) -> datetime:
    return ensure_utc(moment).astimezone(ZoneInfo(tz_name))


def from_local(wall: datetime, tz_name: str = DEFAULT_TIMEZONE) -> datetime:
    """UTC time of a wall-clock time typed in the organisation's zone (a form field without offset).

    A time that does not exist (skipped when clocks go forward) is refused; a time that happens twice
    (when clocks go back) is read as its first occurrence unless `wall.fold` is 1.
    """
    zone = ZoneInfo(tz_name)
    local = wall.replace(tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != wall.replace(tzinfo=None, fold=0):
        raise ValueError(f"{wall:%Y-%m-%d %H:%M} does not exist in {tz_name} (the clocks go forward at that time)")
    return local.astimezone(UTC)


def format_remaining(delta: timedelta, lang: str = "fr") -> str:
    """Remaining (or, negative, overdue) time in days, hours and minutes, e.g. "2 d 03 h 15 min"."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    unit_day = "j" if lang == "fr" else "d"
    text = f"{days} {unit_day} {hours:02d} h {mins:02d} min" if days else f"{hours} h {mins:02d} min"
    if delta < timedelta(0):
        return f"{'en retard de' if lang == 'fr' else 'overdue by'} {text}"
    return text


# --- the clocks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """One notice owed for a breach and where it stands at `now`.

    `deadline` is None for "without undue delay" (Art. 33(2) without a contractual delay, Art. 34(1)):
    no hour is set, so such a notice is due at once and never counted late by the clock.
    """

    recipient: str  # cnil | client | data_subjects
    article: str
    deadline: datetime | None
    sent_at: datetime | None
    now: datetime
    client_id: int | None = None
    client_name: str | None = None
    hours: int | None = None
    regime: Regime | None = None  # the breach regime the clock was set by (its recipient's name, its hours)

    def recipient_name(self, lang: str) -> str:
        """Who is told, as a label: the regime's authority, the client, or the data subjects."""
        if self.recipient == "cnil" and self.regime is not None:
            return self.regime.authority_short(lang)
        if self.recipient == "client":
            return self.client_name or ""
        return {"cnil": "CNIL", "data_subjects": "Personnes concernées" if lang == "fr" else "Data subjects"}.get(
            self.recipient, self.recipient)

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return "done"
        if self.deadline is not None and self.now > self.deadline:
            return "overdue"
        return "due"

    @property
    def late(self) -> bool:
        """True when the notice was (or, unsent, will be) given after its deadline."""
        if self.deadline is None:
            return False
        return (self.sent_at or self.now) > self.deadline

    @property
    def remaining(self) -> timedelta | None:
        """Time left before the deadline (negative once passed); None when done or without a fixed hour."""
        if self.sent_at is not None or self.deadline is None:
            return None
        return self.deadline - self.now

    def is_urgent(self, window: timedelta = DUE_SOON) -> bool:
        """Not yet sent and overdue, due within `window`, or owed without undue delay (the dashboard list)."""
        if self.state != "due":
            return self.state == "overdue"
        return self.deadline is None or self.deadline - self.now <= window


@dataclass(frozen=True)
class AffectedClient:
    """A client controller concerned by a breach, with its contract's breach-notice terms (Art. 33(2))."""

    id: int
    name: str
    breach_notice_hours: int | None = None  # None: "without undue delay", whether the contract says so or is silent


@dataclass(frozen=True)
class BreachFacts:
    """What the clocks depend on: plain values taken from a breach record and its notices."""

    aware_at: datetime
    risk: str | None  # None: not yet assessed, so the CNIL clock runs
    as_controller: bool  # at least one affected activity is the organisation's own (or none is linked)
    clients: tuple[AffectedClient, ...] = ()
    exemption: str | None = None
    sent: dict[tuple[str, int | None], datetime] = field(default_factory=dict)  # (recipient, client id) -> first sent
    tz_name: str = DEFAULT_TIMEZONE  # the organisation's zone: the day of awareness, which picks the regime, is its day


def is_controller_scope(activity_roles: list[str], acts_as: str = "both") -> bool:
    """Art. 33(1) vs 33(2): the organisation answers to the CNIL itself when one affected activity is its own;
    with no activity linked yet, unless it only ever acts as a processor."""
    if not activity_roles:
        return acts_as != "processor"
    return "controller" in activity_roles


def breach_regime(aware_at: datetime, law: Law | None = None, tz_name: str = DEFAULT_TIMEZONE) -> Regime | None:
    """The breach regime that applies to a breach: the one in force on the day of awareness (in the organisation's
    zone) under `law` (the law in use by default). None before the GDPR applied (25 May 2018)."""
    return (law or reference.law()).regime("breach", to_local(aware_at, tz_name).date())


def _regime_of(facts: BreachFacts, law: Law | None) -> Regime | None:
    return breach_regime(facts.aware_at, law, facts.tz_name)


def cnil_deadline(aware_at: datetime, regime: Regime | None = None) -> datetime | None:
    """Art. 33(1): the regime's delay (72 hours under the GDPR) counted in elapsed hours from awareness, in UTC so a
    clock change adds or removes nothing. `regime` defaults to the one in force on the day of awareness."""
    regime = regime or breach_regime(aware_at)
    if regime is None:
        return None
    return ensure_utc(aware_at, "aware_at") + timedelta(hours=regime.authority_hours)


def client_deadline(aware_at: datetime, client: AffectedClient) -> datetime | None:
    """Art. 33(2): the contract's delay in elapsed hours; None ("without undue delay") when the contract sets none."""
    if client.breach_notice_hours is None:
        return None
    return ensure_utc(aware_at, "aware_at") + timedelta(hours=client.breach_notice_hours)


def _meets(risk: str | None, threshold: str) -> bool:
    """Whether an assessed risk reaches a regime's threshold; an unassessed one (None) is treated as reaching it, so
    the clock runs until the assessment says otherwise."""
    if risk is None:
        return True
    return risk != "unlikely" if threshold == "risk" else risk == "high"


def needs_cnil_notification(facts: BreachFacts, law: Law | None = None) -> bool:
    """Art. 33(1): the controller notifies the authority when the risk reaches the regime's threshold: unless the
    breach is unlikely to result in a risk (GDPR), or only when likely to result in a high risk (as proposed by
    COM(2025) 837)."""
    regime = _regime_of(facts, law)
    return bool(regime) and facts.as_controller and _meets(facts.risk, regime.authority_threshold)


def needs_subject_communication(facts: BreachFacts, law: Law | None = None) -> bool:
    """Art. 34(1) and (3): high risk calls for telling the data subjects, unless an exemption is recorded."""
    regime = _regime_of(facts, law)
    return (bool(regime) and facts.as_controller and facts.risk is not None
            and _meets(facts.risk, regime.subjects_threshold) and facts.exemption is None)


def clocks(facts: BreachFacts, now: datetime, law: Law | None = None) -> list[Clock]:
    """Every notice owed for a breach (Arts. 33(1), 33(2), 34(1)) with its deadline and state at `now`, under the
    breach regime in force on the day of awareness (`law`: the law in use by default, or a what-if)."""
    now = ensure_utc(now, "now")
    regime = _regime_of(facts, law)
    out: list[Clock] = []
    if needs_cnil_notification(facts, law):
        out.append(Clock("cnil", regime.article, cnil_deadline(facts.aware_at, regime), facts.sent.get(("cnil", None)),
                         now, hours=regime.authority_hours, regime=regime))
    for c in facts.clients:
        out.append(
            Clock(
                "client",
                "Art. 33(2)",
                client_deadline(facts.aware_at, c),
                facts.sent.get(("client", c.id)),
                now,
                client_id=c.id,
                client_name=c.name,
                hours=c.breach_notice_hours,
                regime=regime,
            )
        )
    if needs_subject_communication(facts, law):
        out.append(Clock("data_subjects", "Art. 34(1)", None, facts.sent.get(("data_subjects", None)), now,
                         regime=regime))
    return out


# --- consistency of a breach record and of a notice ------------------------------------------------


def breach_problems(
    *,
    aware_at: datetime | None,
    occurred_at: datetime | None,
    contained_at: datetime | None,
    natures: list[str],
    risk: str | None,
    risk_reasoning: str | None,
    exemption: str | None,
    exemption_details: str | None,
    status: str,
    closed_at: datetime | None,
    now: datetime,
) -> list[Problem]:
    """What a breach record must say before it is kept (Arts. 33(1), 33(3)(a), 33(5), 34(3))."""
    out: list[Problem] = []
    if aware_at is None:
        out.append(Problem("aware_missing", "aware_at", "Art. 33(1)",
                           "give the time the organisation became aware of the breach: the deadlines run from it",
                           "indiquez quand l'organisme a pris connaissance de la violation : les délais en partent"))
    elif ensure_utc(aware_at, "aware_at") > ensure_utc(now):
        out.append(Problem("aware_future", "aware_at", "Art. 33(1)",
                           "the organisation cannot become aware of a breach in the future",
                           "la prise de connaissance ne peut pas être dans le futur"))
    if occurred_at and aware_at and ensure_utc(occurred_at) > ensure_utc(aware_at):
        out.append(Problem("occurred_after_aware", "occurred_at", "Art. 33(5)",
                           "the breach cannot have happened after the organisation became aware of it",
                           "la violation ne peut pas être survenue après sa prise de connaissance"))
    if contained_at and occurred_at and ensure_utc(contained_at) < ensure_utc(occurred_at):
        out.append(Problem("contained_before_occurred", "contained_at", "Art. 33(5)",
                           "a breach cannot be contained before it happened",
                           "une violation ne peut pas être maîtrisée avant d'être survenue"))
    if not natures:
        out.append(Problem("nature_missing", "natures", "Art. 33(3)(a)",
                           "tick at least one nature: confidentiality, integrity or availability",
                           "cochez au moins une nature : confidentialité, intégrité ou disponibilité"))
    if risk == "unlikely" and not (risk_reasoning or "").strip():
        out.append(Problem("unlikely_without_reasoning", "risk_reasoning", "Art. 33(1)",
                           "explain why the breach is unlikely to result in a risk: without it the CNIL must be notified",
                           "expliquez pourquoi la violation n'est pas susceptible d'engendrer un risque : "
                           "sans cette justification, elle doit être notifiée à la CNIL"))
    if exemption is not None and risk != "high":
        out.append(Problem("exemption_without_high_risk", "art34_exemption", "Art. 34(3)",
                           "an Art. 34(3) exemption only applies to a high-risk breach",
                           "une exception de l'art. 34(3) ne vaut que pour une violation à risque élevé"))
    if exemption is not None and not (exemption_details or "").strip():
        out.append(Problem("exemption_without_details", "art34_exemption_details", "Art. 34(3)",
                           "describe what makes the exemption apply (e.g. how the data were encrypted)",
                           "décrivez ce qui justifie l'exception (par exemple le chiffrement des données)"))
    if status == "closed" and closed_at is None:
        out.append(Problem("closed_without_date", "closed_at", "Art. 33(5)",
                           "give the date the breach was closed", "indiquez la date de clôture"))
    if closed_at and aware_at and ensure_utc(closed_at) < ensure_utc(aware_at):
        out.append(Problem("closed_before_aware", "closed_at", "Art. 33(5)",
                           "a breach cannot be closed before the organisation became aware of it",
                           "une violation ne peut pas être clôturée avant sa prise de connaissance"))
    return out


def notice_problems(
    *, clock: Clock | None, sent_at: datetime, late_reason: str | None, aware_at: datetime, now: datetime
) -> list[Problem]:
    """A notice sent after its deadline must give the reasons for the delay (Art. 33(1), second subparagraph)."""
    out: list[Problem] = []
    sent = ensure_utc(sent_at, "sent_at")
    if sent > ensure_utc(now):
        out.append(Problem("sent_future", "sent_at", "Art. 33(1)",
                           "a notice cannot be recorded as sent in the future",
                           "un envoi ne peut pas être enregistré dans le futur"))
    if sent < ensure_utc(aware_at):
        out.append(Problem("sent_before_aware", "sent_at", "Art. 33(1)",
                           "a notice cannot be sent before the organisation became aware of the breach",
                           "une notification ne peut pas précéder la prise de connaissance de la violation"))
    # Only the first notice to a recipient can be late: a follow-up (Art. 33(4)) completes one already given.
    first = clock is not None and (clock.sent_at is None or sent < clock.sent_at)
    if first and clock.deadline is not None and sent > clock.deadline and not (late_reason or "").strip():
        out.append(Problem("late_without_reason", "late_reason", clock.article,
                           "this notice is sent after its deadline: give the reasons for the delay",
                           "cette notification est envoyée après l'échéance : indiquez les motifs du retard"))
    return out
