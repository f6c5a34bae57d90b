"""The register re-judged under another law: what an update of the reference data or a "what if" would change."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from registry import audit, clock, reference
from registry.domain import law as rules
from registry.domain.subprocessors import hops_up
from registry.domain.transfers import TransferFacts
from registry.models import Activity, ClientController, Organisation, SubProcessor, Transfer
from registry.models.breaches import Breach
from registry.models.law import LawChange
from registry.reference import InvalidReference, Law
from registry.reference.law import Update, WhatIf, apply_what_if, parse_update, parse_what_if
from registry.services import breaches as breach_svc
from registry.services.facts import transfer_facts
from registry.services.flags import chain_parents


@dataclass(frozen=True)
class ClientToWarn:
    """A client controller whose data flow through a transfer, with what its contract says about notices."""

    id: int
    name: str
    language: str
    contact: str | None  # where its notices go: its DPO's address, else its contact's (domain.mail.notice_address)
    breach_notice_hours: int | None
    breach_notice_undue_delay: bool
    subprocessor_changes_notified: bool | None
    objection_period_days: int | None
    activities: tuple[str, ...]


@dataclass(frozen=True)
class TransferImpact:
    transfer: Transfer
    exporter: str  # the activity or sub-processor that makes the transfer
    verdict: rules.TransferVerdict
    fallback: Transfer | None = None  # another recorded transfer to the same destination still covered
    clients: tuple[ClientToWarn, ...] = ()
    made_by: tuple[str, str, int, str | None] = ("", "", 1, None)  # (activity|subprocessor, name, level, engaged by)


@dataclass(frozen=True)
class BreachImpact:
    breach: Breach
    regime_before: reference.Regime | None
    regime_after: reference.Regime | None
    changes: tuple[rules.ClockChange, ...]


@dataclass
class OrgImpact:
    """What the other law changes in one organisation's register."""

    organisation: Organisation
    on: date
    transfers: list[TransferImpact] = field(default_factory=list)  # verdict changed
    review: list[TransferImpact] = field(default_factory=list)  # covered under both, destination's decision changed
    breaches: list[BreachImpact] = field(default_factory=list)
    record_exemption: tuple[reference.Regime | None, reference.Regime | None] = (None, None)

    @property
    def lost(self) -> list[TransferImpact]:
        """Transfers that lose their basis and have no other recorded transfer to fall back on."""
        return [t for t in self.transfers if t.verdict.loses_basis and t.fallback is None]


def read_json(path: Path) -> object:
    """A reference file's content, or InvalidReference saying why it cannot be read."""
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except UnicodeDecodeError:
        raise InvalidReference([f"{path}: not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        raise InvalidReference([f"{path}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"]) from None


def check_update(doc: object) -> Update:
    """A dated update file checked against the law in use; refused (InvalidReference) if malformed or not newer."""
    return parse_update(doc, reference.law(), frozenset(reference.countries()))


def install_update(update: Update, directory: Path) -> list[Path]:
    """Write the update's files where the app reads the law (they override the shipped ones); returns the paths.

    Each file is written to a temporary name then renamed, so a reader never sees half a file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in (("adequacy.json", update.adequacy_doc), ("regimes.json", update.regimes_doc)):
        if doc is None:
            continue
        target = directory / name
        temporary = directory / f".{name}.tmp"
        temporary.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
        temporary.replace(target)
        written.append(target)
    reference.reload()
    return written


def check_what_if(doc: object) -> WhatIf:
    return parse_what_if(doc, reference.law(), frozenset(reference.countries()))


def what_if_law(what_if: WhatIf, start: date) -> Law:
    """The law in use with the hypothesis applied from `start`."""
    return apply_what_if(reference.law(), what_if, start)


def _client(c: ClientController, activities: list[str]) -> ClientToWarn:
    return ClientToWarn(c.id, c.legal_name, c.language, c.dpo_email or c.contact_email, c.breach_notice_hours,
                        c.breach_notice_undue_delay, c.subprocessor_changes_notified, c.objection_period_days,
                        tuple(sorted(activities)))


def _flows(session: Session, org: Organisation, t: Transfer,
           parents: dict[int, int | None]) -> tuple[str, tuple[ClientToWarn, ...], tuple]:
    """Who makes the transfer and the clients whose data go through it: the activity's clients, or the clients of
    every activity using the sub-processor that makes it (`parents`: each hop of the chain -> the hop above)."""
    if t.activity_id is not None:
        activities = [session.get(Activity, t.activity_id)]
        exporter = f"activity {activities[0].reference}"
        made_by = ("activity", activities[0].reference, 1, None)
    else:
        sp = session.get(SubProcessor, t.subprocessor_id)
        # A transfer recorded on a hop of the chain is made to that hop by the hop above (EDPB Opinion 22/2024): the
        # clients whose data reach it are those of every activity using a hop on its way up to the first level.
        chain = hops_up(parents, sp.id)
        name = sp.trade_name or sp.legal_name
        exporter = f"{org.legal_name} to sub-processor {name} (level 1)"
        made_by = ("subprocessor", name, len(chain), None)
        if len(chain) > 1:
            above = session.get(SubProcessor, chain[1])
            engaged_by = above.trade_name or above.legal_name
            exporter = f"{engaged_by} to sub-processor {name} (level {len(chain)}, engaged by {engaged_by})"
            made_by = made_by[:3] + (engaged_by,)
        activities = list(session.scalars(
            select(Activity).where(Activity.organisation_id == org.id,
                                   Activity.subprocessors.any(SubProcessor.id.in_(chain)))
            .order_by(Activity.reference)))
    found: dict[int, tuple[ClientController, list[str]]] = {}
    for a in activities:
        for c in a.clients:
            found.setdefault(c.id, (c, []))[1].append(a.reference)
    clients = tuple(_client(c, refs) for c, refs in sorted(found.values(), key=lambda x: x[0].legal_name))
    return exporter, clients, made_by


def _fallback(t: Transfer, others: list[Transfer], facts: dict[int, TransferFacts], on: date, law: Law) -> Transfer | None:
    """Another transfer recorded by the same exporter to the same destination that the law still covers."""
    for o in others:
        if o.id == t.id or (o.activity_id, o.subprocessor_id) != (t.activity_id, t.subprocessor_id):
            continue
        if (o.destination_country, o.destination_organisation) != (t.destination_country, t.destination_organisation):
            continue
        if rules.transfer_verdict(facts[o.id], on, law, law).covered_after:
            return o
    return None


def impact(session: Session, org: Organisation, before: Law, after: Law, on: date, now: datetime) -> OrgImpact:
    """Every verdict of the organisation that differs between two laws: transfers judged on `on` (Arts. 44-46),
    breach clocks at `now` (Arts. 33-34), and the Art. 30(5) exemption that applies on `on`."""
    out = OrgImpact(org, on, record_exemption=(before.regime("record_exemption", on), after.regime("record_exemption", on)))
    transfers = list(session.scalars(select(Transfer).where(Transfer.organisation_id == org.id).order_by(Transfer.id)))
    facts = {t.id: transfer_facts(t) for t in transfers}
    parents = chain_parents(session, org)
    for t in transfers:
        verdict = rules.transfer_verdict(facts[t.id], on, before, after)
        review = (not verdict.changed and verdict.covered_after
                  and rules.destination_decision_changes(facts[t.id], on, before, after))
        if not (verdict.changed or review):
            continue
        exporter, clients, made_by = _flows(session, org, t, parents)
        fallback = _fallback(t, transfers, facts, on, after) if verdict.loses_basis else None
        (out.transfers if verdict.changed else out.review).append(
            TransferImpact(t, exporter, verdict, fallback, clients, made_by))
    for breach in breach_svc.list_breaches(session, org.id):
        regime_before, regime_after, changes = rules.clock_changes(breach_svc.breach_facts(breach), now, before, after)
        if changes:
            out.breaches.append(BreachImpact(breach, regime_before, regime_after, tuple(changes)))
    return out


def what_if_impact(session: Session, org: Organisation, what_if: WhatIf, start: date, now: datetime) -> OrgImpact:
    """What the organisation's register would become if the hypothesis applied from `start`; nothing is saved.

    The one implementation behind `flask reference what-if` and the What-if page. Transfers are judged on `start`,
    or today if the hypothesis starts in the past.
    """
    on = max(start, clock.today(org.timezone))
    return impact(session, org, reference.law(), what_if_law(what_if, start), on, now)


def update_impacts(session: Session, update: Update, now: datetime) -> list[OrgImpact]:
    """Every organisation's verdicts that the update changes, judged today in each organisation's time zone."""
    before = reference.law()
    orgs = session.scalars(select(Organisation).order_by(Organisation.slug))
    return [impact(session, org, before, update.law, clock.today(org.timezone), now) for org in orgs]


def _flag(f) -> dict:
    return {"code": f.code, "article_en": f.cite("en"), "article_fr": f.cite("fr"),
            "en": f.message("en"), "fr": f.message("fr")}


def _title(regime: reference.Regime | None) -> dict | None:
    return {"en": regime.title_en, "fr": regime.title_fr} if regime else None


def _moment(value: tuple[str, datetime | None] | None) -> dict | None:
    if value is None:
        return None
    return {"article": value[0], "deadline": value[1].isoformat() if value[1] else None}


def law_change_rows(result: OrgImpact, update: Update) -> list[LawChange]:
    """The dashboard items of one organisation for an installed update: one per verdict it changes."""
    org, rows = result.organisation, []
    common = dict(organisation_id=org.id, law_version=update.version, law_published=update.published)
    for t in result.transfers:
        tr, v = t.transfer, t.verdict
        label = f"{tr.recipient} → {tr.destination_country or tr.destination_organisation}"
        rows.append(LawChange(**common, kind="transfer", record_id=tr.id, label=label[:300], detail={
            "exporter": t.exporter, "mechanism": tr.mechanism, "gone": [_flag(f) for f in v.gone],
            "new": [_flag(f) for f in v.new], "decision_before": v.decision_before, "decision_after": v.decision_after,
            "loses_basis": v.loses_basis, "fallback": t.fallback.id if t.fallback else None}))
    for b in result.breaches:
        br = b.breach
        rows.append(LawChange(**common, kind="breach", record_id=br.id, label=f"{br.reference} · {br.title}"[:300],
                              detail={"regime_before": _title(b.regime_before), "regime_after": _title(b.regime_after),
                                      "changes": [{"recipient": c.recipient, "before": _moment(c.before),
                                                   "after": _moment(c.after)} for c in b.changes]}))
    before, after = result.record_exemption
    if before != after:
        rows.append(LawChange(**common, kind="record_exemption", record_id=None, label="Art. 30(5)",
                              detail={"regime_before": _title(before), "regime_after": _title(after)}))
    return rows


def install(session: Session, update: Update, directory: Path, actor: str, now: datetime) -> list[OrgImpact]:
    """Install a checked update and commit: every verdict it changes becomes a dashboard item of its organisation,
    and the files are written where the app reads the law.

    The law and its dashboard items are installed together or not at all: if the commit fails, the previous files
    are put back and the error goes on to the caller. Returns the impacts.
    """
    results = update_impacts(session, update, now)
    for result in results:
        for row in law_change_rows(result, update):
            session.add(row)
            session.flush()
            audit.record(session, actor, "create", row, organisation_slug=result.organisation.slug,
                         after=audit.snapshot(row))
    previous = {name: (directory / name).read_bytes() if (directory / name).is_file() else None
                for name in reference.LAW_FILES}

    def restore() -> None:
        for name, content in previous.items():
            path = directory / name
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(content)
        reference.reload()

    try:
        install_update(update, directory)
        session.commit()
    except Exception:
        session.rollback()
        restore()
        raise
    return results


def law_changes(session: Session, org: Organisation, unseen_only: bool = True) -> list[LawChange]:
    """The organisation's items from installed updates, newest update first, transfers then breaches."""
    stmt = select(LawChange).where(LawChange.organisation_id == org.id)
    if unseen_only:
        stmt = stmt.where(LawChange.seen_at.is_(None))
    return list(session.scalars(stmt.order_by(LawChange.law_version.desc(), LawChange.kind.desc(), LawChange.id)))


def still_recorded(session: Session, org: Organisation, changes: list[LawChange]) -> set[int]:
    """The ids of the items whose transfer or breach is still in the organisation's register (the dashboard links
    those; an item about a record deleted since says so instead of linking to a page that no longer exists)."""
    wanted = {"transfer": (Transfer, set()), "breach": (Breach, set())}
    for change in changes:
        if change.kind in wanted and change.record_id is not None:
            wanted[change.kind][1].add(change.record_id)
    present: dict[str, set[int]] = {}
    for kind, (model, ids) in wanted.items():
        present[kind] = set(session.scalars(select(model.id).where(model.id.in_(ids),
                                                                   model.organisation_id == org.id))) if ids else set()
    return {c.id for c in changes if c.kind not in wanted or c.record_id in present[c.kind]}


def mark_seen(session: Session, org: Organisation, change_id: int, actor: str, now: datetime) -> LawChange | None:
    """The DPO has read an item: it leaves the dashboard (and stays in the trail). None if not the organisation's."""
    row = session.get(LawChange, change_id)
    if row is None or row.organisation_id != org.id:
        return None
    if row.seen_at is None:
        before = audit.snapshot(row)
        row.seen_at, row.seen_by = now, actor
        session.flush()
        audit.record(session, actor, "update", row, organisation_slug=org.slug, before=before,
                     after=audit.snapshot(row))
    return row
