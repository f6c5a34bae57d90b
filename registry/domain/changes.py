"""Rules on sub-processor changes under Art. 28(2): who is told, when a change may take effect, what blocks it."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from registry.domain.flags import Flag, flag

KINDS = ("add", "replace", "remove", "change_locations")
STATUSES = ("planned", "notified", "effective", "cancelled")
OUTCOMES = ("pending", "withdrawn", "upheld", "overruled")

# Art. 28(2) sets no length for the window to object. When a contract records none, the register applies this
# many days as a prudent working figure (not a legal one) and flags the client so that the contract is fixed.
DEFAULT_OBJECTION_DAYS = 30

# Art. 28(2) speaks of "the addition or replacement of other processors". A change of processing locations is
# treated the same way because a new location may be a new transfer (Art. 44) that the client must be able to
# refuse; a removal engages no one new, so it needs neither authorisation nor a window.
NEEDS_WINDOW = ("add", "replace", "change_locations")
ENGAGES_NEW = ("add", "replace")


@dataclass(frozen=True)
class ClientTerms:
    """The Art. 28(2) terms of one affected client's contract, as recorded on its client record."""

    id: int
    name: str
    authorisation: str = "none_stated"  # specific | general | none_stated
    objection_right: bool | None = None
    objection_period_days: int | None = None
    language: str = "fr"


@dataclass(frozen=True)
class ClientDeadline:
    client_id: int
    period_days: int
    period_recorded: bool
    deadline: date  # the start of the window plus the period: the change may take effect from this date
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class ChangePlan:
    notice_date: date
    earliest_effective: date
    clients: tuple[ClientDeadline, ...] = ()

    @property
    def flags(self) -> dict[int, tuple[Flag, ...]]:
        return {c.client_id: c.flags for c in self.clients if c.flags}


def client_flags(kind: str, terms: ClientTerms, default_days: int = DEFAULT_OBJECTION_DAYS) -> list[Flag]:
    """Art. 28(2): what in a client's contract stands in the way of the change, or leaves the window undefined."""
    out: list[Flag] = []
    if kind in ENGAGES_NEW and terms.authorisation == "none_stated":
        out.append(flag("change_no_authorisation", "Art. 28(2)", "subprocessor_authorisation", "risk", client=terms.name))
    elif kind in ENGAGES_NEW and terms.authorisation == "specific":
        out.append(flag("change_needs_specific_consent", "Art. 28(2)", "subprocessor_authorisation", "risk",
                        client=terms.name))
    elif kind in NEEDS_WINDOW and terms.authorisation == "general":
        if terms.objection_right is not True:
            out.append(flag("change_no_objection_right", "Art. 28(2)", "objection_right", "risk", client=terms.name))
        if terms.objection_period_days is None:
            out.append(flag("change_objection_period_default", "Art. 28(2)", "objection_period_days", "warning",
                            client=terms.name, days=default_days))
    return out


def needs_consent(kind: str, terms: ClientTerms) -> bool:
    """Art. 28(2): without a general authorisation, a new sub-processor needs the client's own written authorisation."""
    return kind in ENGAGES_NEW and terms.authorisation in ("specific", "none_stated")


def objection_days(kind: str, terms: ClientTerms, default_days: int = DEFAULT_OBJECTION_DAYS) -> tuple[int, bool]:
    """The client's window in days and whether the contract records it (else the prudent default applies)."""
    if kind not in NEEDS_WINDOW:
        return 0, True
    if terms.objection_period_days is not None:
        return terms.objection_period_days, True
    return default_days, False


def earliest_effective(notice_date: date, windows: list[tuple[date, int]]) -> date:
    """Art. 28(2): the change may take effect once every window `(start, days)` has run, never before the notice."""
    return max([notice_date, *(start + timedelta(days=days) for start, days in windows)])


def plan_change(
    kind: str,
    notice_date: date,
    clients: list[ClientTerms],
    sent_on: dict[int, date] | None = None,
    default_days: int = DEFAULT_OBJECTION_DAYS,
) -> ChangePlan:
    """Art. 28(2): each client's window runs from the day it is told (`sent_on`, else the planned notice date);
    the change may take effect once the longest window among the affected clients has run."""
    if kind not in KINDS:
        raise ValueError(f"kind: {kind!r} is not a known change (expected one of: {', '.join(KINDS)})")
    sent_on = sent_on or {}
    rows = []
    for terms in sorted(clients, key=lambda t: t.id):
        days, recorded = objection_days(kind, terms, default_days)
        start = sent_on.get(terms.id, notice_date)
        rows.append(ClientDeadline(terms.id, days, recorded, start + timedelta(days=days),
                                   tuple(client_flags(kind, terms, default_days))))
    earliest = earliest_effective(notice_date, [(sent_on.get(r.client_id, notice_date), r.period_days) for r in rows])
    return ChangePlan(notice_date, earliest, tuple(rows))


@dataclass(frozen=True)
class ObjectionState:
    client_id: int
    outcome: str  # pending | withdrawn | upheld | overruled
    decision: str | None = None


@dataclass(frozen=True)
class Blocker:
    """Why a change cannot take effect yet, with the article and the thing to do."""

    code: str
    article: str
    client_id: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class EffectCheck:
    kind: str
    on: date
    earliest_effective: date
    notified_clients: frozenset[int] = field(default_factory=frozenset)
    affected_clients: frozenset[int] = field(default_factory=frozenset)
    consent_needed: frozenset[int] = field(default_factory=frozenset)
    consent_given: frozenset[int] = field(default_factory=frozenset)
    objections: tuple[ObjectionState, ...] = ()
    dpo_decision: str | None = None


def effect_blockers(c: EffectCheck) -> list[Blocker]:
    """Art. 28(2): a change takes effect only once every affected client was told, its window has run, its
    consent is recorded where the contract requires it, and every objection has a recorded DPO decision."""
    out: list[Blocker] = []
    for cid in sorted(c.affected_clients - c.notified_clients):
        out.append(Blocker("notice_not_sent", "Art. 28(2)", cid, "record the date the notice was sent"))
    if c.on < c.earliest_effective:
        out.append(Blocker("window_open", "Art. 28(2)", None, f"earliest effective date {c.earliest_effective.isoformat()}"))
    for cid in sorted(c.consent_needed - c.consent_given):
        out.append(Blocker("consent_missing", "Art. 28(2)", cid, "record the client's written authorisation"))
    for o in c.objections:
        if o.outcome == "pending" or not (o.decision or "").strip():
            out.append(Blocker("objection_open", "Art. 28(2)", o.client_id, "record the DPO's decision on the objection"))
        elif o.outcome == "upheld" and not (c.dpo_decision or "").strip():
            out.append(Blocker("objection_upheld", "Art. 28(2)", o.client_id,
                               "record on the change how the upheld objection is handled"))
    return out


def diff_lists(before: dict, after: dict) -> dict:
    """Added, removed and changed entries of two lists keyed by id: `{"changed": {id: {field: (old, new)}}}`."""
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = {}
    for key in sorted(set(before) & set(after)):
        b, a = before[key], after[key]
        fields = {k: (b.get(k), a.get(k)) for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)}
        if fields:
            changed[key] = fields
    return {"added": added, "removed": removed, "changed": changed}
