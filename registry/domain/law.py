"""What a change in the law changes: a transfer's verdict, a breach's clocks, the Art. 30(5) exemption (pure)."""

from dataclasses import dataclass
from datetime import date, datetime

from registry.domain.breaches import BreachFacts, breach_regime, clocks
from registry.domain.flags import Flag
from registry.domain.transfers import TransferFacts, destination_key, transfer_flags
from registry.reference import Law, Regime


@dataclass(frozen=True)
class TransferVerdict:
    """A transfer judged on one day under two laws: the flags it loses and gains, and whether it stays covered."""

    gone: tuple[Flag, ...]
    new: tuple[Flag, ...]
    covered_before: bool
    covered_after: bool
    decision_before: str | None  # the adequacy decision for its destination under each law, if any
    decision_after: str | None

    @property
    def loses_basis(self) -> bool:
        return self.covered_before and not self.covered_after

    @property
    def changed(self) -> bool:
        return bool(self.gone or self.new)


def _covered(flags: list[Flag]) -> bool:
    return all(f.severity == "warning" for f in flags)


def transfer_verdict(t: TransferFacts, on: date, before: Law, after: Law) -> TransferVerdict:
    """Chapter V judged on `on` by the adequacy decisions of each law (Arts. 44-46): what the change does to it."""
    old, new = transfer_flags(t, on, before), transfer_flags(t, on, after)
    dest = destination_key(t.destination_country, t.destination_organisation)
    decisions = [law.adequacy_for(dest, on) for law in (before, after)]
    return TransferVerdict(
        gone=tuple(f for f in old if f not in new), new=tuple(f for f in new if f not in old),
        covered_before=_covered(old), covered_after=_covered(new),
        decision_before=decisions[0].decision if decisions[0] else None,
        decision_after=decisions[1].decision if decisions[1] else None,
    )


def destination_decision_changes(t: TransferFacts, on: date, before: Law, after: Law) -> bool:
    """Whether the adequacy decision that applies to the transfer's destination differs between the two laws: a
    transfer on SCCs keeps its basis, but its transfer impact assessment rested on the old situation (Schrems II)."""
    dest = destination_key(t.destination_country, t.destination_organisation)
    return before.adequacy_for(dest, on) != after.adequacy_for(dest, on)


@dataclass(frozen=True)
class ClockChange:
    """One notice of a breach whose recipient, article or deadline differs between two laws."""

    recipient: str
    before: tuple[str, datetime | None] | None  # (article, deadline) under each law; None when not owed
    after: tuple[str, datetime | None] | None


def clock_changes(facts: BreachFacts, now: datetime, before: Law, after: Law) -> tuple[
        Regime | None, Regime | None, list[ClockChange]]:
    """The breach regime that applies on the day of awareness under each law, and each notice owed differently."""
    regimes = tuple(breach_regime(facts.aware_at, law, facts.tz_name) for law in (before, after))
    old = {(c.recipient, c.client_id): (c.article, c.deadline) for c in clocks(facts, now, before)}
    new = {(c.recipient, c.client_id): (c.article, c.deadline) for c in clocks(facts, now, after)}
    changes = [ClockChange(key[0], old.get(key), new.get(key))
               for key in sorted(set(old) | set(new), key=lambda k: (k[0], k[1] or 0))
               if old.get(key) != new.get(key)]
    return regimes[0], regimes[1], changes


def record_keeping(regime: Regime | None, headcount: int | None, special_or_criminal: bool) -> str:
    """Art. 30(5): "required", "exemption_possible" or "unknown" for one activity under an exemption regime.

    The exemption needs fewer persons than the regime's threshold; the register does not record the headcount
    (None) nor whether a processing is occasional or its risk level, so without a headcount the answer is
    "unknown", and an exemption is only ever "possible" (the DPO weighs risk and frequency).
    """
    if regime is None:
        return "required"
    if headcount is None:
        return "unknown"
    if headcount >= regime.persons_below:
        return "required"
    if special_or_criminal and {"special_categories", "criminal_data"} & set(regime.unless):
        return "required"
    return "exemption_possible"
