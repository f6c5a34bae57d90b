"""The register re-judged under another law: what an update of the reference data or a "what if" would change."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from registry import reference
from registry.domain import law as rules
from registry.domain.subprocessors import hops_up
from registry.domain.transfers import TransferFacts
from registry.models import Activity, ClientController, Organisation, SubProcessor, Transfer
from registry.models.breaches import Breach
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
    contact: str | None
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
    return ClientToWarn(c.id, c.legal_name, c.language, c.contact_email or c.dpo_email, c.breach_notice_hours,
                        c.breach_notice_undue_delay, c.subprocessor_changes_notified, c.objection_period_days,
                        tuple(sorted(activities)))


def _flows(session: Session, org: Organisation, t: Transfer,
           parents: dict[int, int | None]) -> tuple[str, tuple[ClientToWarn, ...]]:
    """Who makes the transfer and the clients whose data go through it: the activity's clients, or the clients of
    every activity using the sub-processor that makes it (`parents`: each hop of the chain -> the hop above)."""
    if t.activity_id is not None:
        activities = [session.get(Activity, t.activity_id)]
        exporter = f"activity {activities[0].reference}"
    else:
        sp = session.get(SubProcessor, t.subprocessor_id)
        # A transfer recorded on a hop of the chain is made to that hop by the hop above (EDPB Opinion 22/2024): the
        # clients whose data reach it are those of every activity using a hop on its way up to the first level.
        chain = hops_up(parents, sp.id)
        exporter = f"sub-processor {sp.trade_name or sp.legal_name}"
        if len(chain) > 1:
            above = session.get(SubProcessor, chain[1])
            exporter += f" (level {len(chain)}, engaged by {above.trade_name or above.legal_name})"
        activities = list(session.scalars(
            select(Activity).where(Activity.organisation_id == org.id,
                                   Activity.subprocessors.any(SubProcessor.id.in_(chain)))
            .order_by(Activity.reference)))
    found: dict[int, tuple[ClientController, list[str]]] = {}
    for a in activities:
        for c in a.clients:
            found.setdefault(c.id, (c, []))[1].append(a.reference)
    return exporter, tuple(_client(c, refs) for c, refs in sorted(found.values(), key=lambda x: x[0].legal_name))


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
        exporter, clients = _flows(session, org, t, parents)
        fallback = _fallback(t, transfers, facts, on, after) if verdict.loses_basis else None
        (out.transfers if verdict.changed else out.review).append(
            TransferImpact(t, exporter, verdict, fallback, clients))
    for breach in breach_svc.list_breaches(session, org.id):
        regime_before, regime_after, changes = rules.clock_changes(breach_svc.breach_facts(breach), now, before, after)
        if changes:
            out.breaches.append(BreachImpact(breach, regime_before, regime_after, tuple(changes)))
    return out
