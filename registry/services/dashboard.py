"""What a DPO sees first: per area, the flagged records counted as the list pages count them, identical flags
grouped, and every deadline that runs (breach notices, sub-processor change windows) in time order."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from registry import clock
from registry.domain.breaches import cnil_deadline
from registry.domain.flags import WORST_FIRST, Flag, worst_severity
from registry.models import (
    Activity,
    Breach,
    ChangeNotice,
    ClientController,
    DataRequest,
    Organisation,
    RetentionRule,
    SubProcessor,
    SubProcessorChange,
    Transfer,
)
from registry.models.base import utcnow
from registry.services import flags as rules
from registry.services.breaches import DeadlineRow, urgent_deadlines
from registry.services.flag_cache import FlagCache
from registry.services.requests import deadline as request_deadline
from registry.services.requests import flags_for_requests

# The areas whose list pages show flags, with the rules that flag their records.
AREAS = (
    ("activities", Activity, rules.flags_for_activities),
    ("transfers", Transfer, rules.flags_for_transfers),
    ("subprocessors", SubProcessor, rules.flags_for_subprocessors),
    ("clients", ClientController, rules.flags_for_clients),
    ("retention", RetentionRule, rules.flags_for_retention),
    ("requests", DataRequest, flags_for_requests),
)
# Sub-processor flags that are transfers not yet in the register: the transfers card shows them too (Art. 44).
UNRECORDED_TRANSFER_CODES = ("location_needs_safeguards", "location_transfer_not_recorded")


@dataclass
class FlagGroup:
    """One flag (same code, same details, so the same message) and the records of an area that carry it."""

    flag: Flag
    ids: list[int]  # every such record, in id order
    records: list = field(default_factory=list)  # the first of them, loaded to be named on the page

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass
class RecordFlags:
    """A record's flags that no other record of its area shares, shown together under its name."""

    id: int
    flags: list[Flag]
    record: object = None

    @property
    def worst(self) -> str | None:
        return worst_severity(self.flags)


@dataclass
class AreaSummary:
    """An area's flagged records as its list page counts them (`?flagged=1`), split by their worst flag."""

    area: str
    records: int  # records of the area
    by_worst: dict[str, int]  # severity -> records whose worst flag has it (`?flagged=<severity>`)
    groups: list[FlagGroup]  # flags shared by several records: the most serious and most frequent first
    singles: list[RecordFlags]  # then each record with the flags it alone has, the most serious first
    hidden: int = 0  # groups and records left out (the page shows `max_groups` lines): the list page has them

    @property
    def flagged(self) -> int:
        return sum(self.by_worst.values())


@dataclass(frozen=True)
class Deadline:
    """A time something is owed by: a breach notice (Arts. 33-34) or the end of a client's objection window
    (Art. 28(2)). `due` is None for a notice owed "without undue delay", which has no fixed hour; `order` is when
    it is listed (see `breach_deadlines`)."""

    kind: str  # breach | change | request
    due: datetime | None
    order: datetime
    breach: DeadlineRow | None = None
    change_id: int | None = None
    change_kind: str | None = None
    subprocessor: str | None = None
    client: str | None = None
    window_ends: date | None = None
    notice_sent_on: date | None = None
    request_id: int | None = None
    request_ref: str | None = None
    request_due: date | None = None  # the Art. 12(3) deadline, moved to a working day
    request_state: str | None = None  # running | due_soon | overdue (registry.domain.requests.clock_state)
    relayed_unanswered: bool = False


@dataclass
class Dashboard:
    counts: dict[str, int]
    areas: dict[str, AreaSummary]
    unrecorded_transfers: list[FlagGroup]  # sub-processor locations outside the EEA without a covering transfer
    deadlines: list[Deadline]
    contracts: list[rules.ContractGap]

    @property
    def flagged(self) -> dict[str, int]:
        return {area: summary.flagged for area, summary in self.areas.items()}


def group_flags(flags_by_id: dict[int, list[Flag]], ids: list[int]) -> list[FlagGroup]:
    """Identical flags of many records as one group each: missing items first, then risks, then points to check,
    and within a severity the most frequent first (17 sub-processors without a DPA make one line, not 17)."""
    by_flag: dict[Flag, list[int]] = defaultdict(list)
    for i in ids:
        for f in dict.fromkeys(flags_by_id.get(i, [])):
            by_flag[f].append(i)
    order = {s: n for n, s in enumerate(("missing", "risk", "warning"))}
    return [FlagGroup(f, members) for f, members in
            sorted(by_flag.items(), key=lambda kv: (order.get(kv[0].severity, 9), -len(kv[1]), kv[0].code, kv[0].params))]


def area_summary(session: Session, org: Organisation, area: str, model, compute, cache: FlagCache, on: date,
                 shown: int, max_groups: int) -> tuple[AreaSummary, list[FlagGroup]]:
    """The area's summary, with at most `max_groups` lines and `shown` records named per line, and every group."""
    ids = list(session.scalars(select(model.id).where(model.organisation_id == org.id).order_by(model.id)))
    flags = cache.flags_by_id(session, org, compute, model, ids, on)
    by_worst = {s: 0 for s in WORST_FIRST}
    for i in ids:
        worst = worst_severity(flags.get(i, []))
        if worst:
            by_worst[worst] += 1
    every = group_flags(flags, ids)
    shared = [g for g in every if g.count > 1]
    alone: dict[int, list[Flag]] = defaultdict(list)
    for g in every:
        if g.count == 1:
            alone[g.ids[0]].append(g.flag)
    order = {s: n for n, s in enumerate(WORST_FIRST)}
    singles = sorted((RecordFlags(i, fl) for i, fl in alone.items()), key=lambda r: (order[r.worst], r.id))
    lines = len(shared) + len(singles)
    shared = shared[:max_groups]
    singles = singles[:max(0, max_groups - len(shared))]
    summary = AreaSummary(area, len(ids), by_worst, shared, singles, lines - len(shared) - len(singles))
    return summary, every


def load_records(session: Session, model, groups: list[FlagGroup], singles: list[RecordFlags], shown: int) -> None:
    """Give each group its first `shown` records and each single its record, read in one query for the area."""
    wanted = sorted({i for g in groups for i in g.ids[:shown]} | {r.id for r in singles})
    if not wanted:
        return
    found = {r.id: r for r in session.scalars(select(model).where(model.id.in_(wanted)))}
    for g in groups:
        # A record deleted since its id was read is skipped, not an error.
        g.records = [found[i] for i in g.ids[:shown] if i in found]
    for r in singles:
        r.record = found.get(r.id)


def breach_deadlines(session: Session, org: Organisation, now: datetime) -> list[Deadline]:
    """Every notice not yet sent of the breaches not closed, however far its deadline (the authority's delay, 72 hours
    under the GDPR, runs from the first hour). A notice owed "without undue delay" has no hour; it is listed at the
    latest at the authority's deadline of its breach under the regime in force on its day of awareness, the outer
    limit Art. 33(1) gives the controller: sorting it as due "now" put every such notice before an authority deadline
    a few hours away."""
    rows = urgent_deadlines(session, [org.id], now=now, window=ALL_PENDING)
    ids = {r.breach_id for r in rows}
    aware = dict(session.execute(select(Breach.id, Breach.aware_at).where(Breach.id.in_(ids))).all()) if ids else {}
    return [Deadline("breach", row.clock.deadline,
                     row.clock.deadline or cnil_deadline(aware[row.breach_id], row.clock.regime) or now, breach=row)
            for row in rows]


def change_deadlines(session: Session, org: Organisation) -> list[Deadline]:
    """Art. 28(2): each client's objection window of a change not yet in effect nor cancelled, ending at the start
    of its deadline day in the organisation's time zone (the change may take effect from that day)."""
    zone = ZoneInfo(org.timezone)
    rows = session.execute(
        select(SubProcessorChange, ChangeNotice, SubProcessor.legal_name, ClientController.legal_name)
        .join(ChangeNotice, ChangeNotice.change_id == SubProcessorChange.id)
        .join(SubProcessor, SubProcessor.id == SubProcessorChange.subprocessor_id)
        .join(ClientController, ClientController.id == ChangeNotice.client_id)
        .where(SubProcessorChange.organisation_id == org.id, SubProcessorChange.status.in_(("planned", "notified")),
               ChangeNotice.deadline.is_not(None), ChangeNotice.period_days > 0)
        .order_by(SubProcessorChange.id, ChangeNotice.client_id)
    ).all()
    out = []
    for change, notice, sp_name, client_name in rows:
        ends = datetime.combine(notice.deadline, time(0), zone)
        out.append(Deadline("change", ends, ends, change_id=change.id, change_kind=change.kind, subprocessor=sp_name,
                            client=client_name, window_ends=notice.deadline, notice_sent_on=notice.sent_on))
    return out


def request_deadlines(session: Session, org: Organisation, on: date) -> list[Deadline]:
    """Art. 12(3): each open data-subject request, due at the end of its deadline day in the organisation's zone."""
    from registry.domain.requests import clock_state

    zone = ZoneInfo(org.timezone)
    out = []
    for r in session.scalars(select(DataRequest).where(DataRequest.organisation_id == org.id, DataRequest.status == "open")
                             .order_by(DataRequest.id)):
        due = request_deadline(org, r).due
        ends = datetime.combine(due + timedelta(days=1), time(0), zone)
        out.append(Deadline("request", ends, ends, request_id=r.id, request_ref=r.reference, request_due=due,
                            request_state=clock_state(due, on, True), client=None,
                            relayed_unanswered=r.forwarded_on is not None and r.client_answered_on is None))
    return out


def deadline_order(d: Deadline) -> tuple:
    """Soonest first, passed ones being the soonest; at the same time, a fixed deadline before an unfixed one."""
    return (d.order, d.due is None, d.kind)


# Every breach notice not yet sent is listed, not only those due within 24 hours.
ALL_PENDING = timedelta(days=36500)


def dashboard(session: Session, org: Organisation, on: date | None = None, cache: FlagCache | None = None,
              shown: int = 25, max_groups: int = 10, now: datetime | None = None) -> Dashboard:
    """The organisation's dashboard, read from the same flags as the list pages (every severity).

    Through the cache only the ids are read once the flags are known, plus the few records named on the page:
    a register of 10,000 activities is not loaded to show 25 of them.
    """
    on = on or clock.today(org.timezone)
    now = now or utcnow()
    cache = cache or FlagCache()
    areas, unrecorded = {}, []
    for area, model, compute in AREAS:
        summary, every_group = area_summary(session, org, area, model, compute, cache, on, shown, max_groups)
        extra = []
        if area == "subprocessors":
            unrecorded = [g for g in every_group if g.flag.code in UNRECORDED_TRANSFER_CODES]
            extra = [g for g in unrecorded if g not in summary.groups]
        load_records(session, model, summary.groups + extra, summary.singles, shown)
        areas[area] = summary
    deadlines = breach_deadlines(session, org, now) + change_deadlines(session, org) + request_deadlines(session, org, on)
    return Dashboard(
        counts={area: s.records for area, s in areas.items()}, areas=areas, unrecorded_transfers=unrecorded,
        deadlines=sorted(deadlines, key=deadline_order), contracts=rules.contract_gaps(session, org),
    )
