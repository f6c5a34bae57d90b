"""Which terms extracted from a contract can be copied into which field of the record (Arts. 28(2), 28(3)(h), 28(4), 33(2)).

A client controller's record and a sub-processor's keep the same terms under the same names: what the
organisation promised its client, and what its sub-processor promised it. Only terms the record keeps as a value are proposed; the rest (retention periods, named sub-processors,
transfer mechanisms) belong to other records and are compared in the cross-check instead.
"""

from dataclasses import dataclass

# Extracted term -> field of the client controller's or the sub-processor's record.
RECORD_TERMS: tuple[tuple[str, str], ...] = (
    ("objection_period_days", "objection_period_days"),  # Art. 28(2)
    ("breach_notice_hours", "breach_notice_hours"),  # Art. 33(2), a figure
    ("breach_notice_hours", "breach_notice_undue_delay"),  # Art. 33(2), "without undue delay"
    ("audits_per_year", "audits_per_year"),  # Art. 28(3)(h)
    ("audit_notice_days", "audit_notice_days"),  # Art. 28(3)(h)
)


@dataclass(frozen=True)
class Proposal:
    """One extracted value beside the record's current value; `conflict` lists every value the contract states."""

    field: str
    term: str
    current: object
    proposed: object
    conflict: tuple = ()

    @property
    def differs(self) -> bool:
        return self.current != self.proposed

    @property
    def preselected(self) -> bool:
        """Ticked by default: it would change the record, and the contract does not contradict itself on it."""
        return self.differs and not self.conflict


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def record_proposals(terms: dict, conflicts: list[dict], current: dict) -> list[Proposal]:
    """The record fields a contract gives a value for (Art. 28(3)-(4): the contract's terms as data)."""
    stated = {c["term"]: tuple(v["value"] for v in c["values"]) for c in conflicts or []}
    out = []
    for term, field in RECORD_TERMS:
        value = terms.get(term)
        if field == "breach_notice_undue_delay":
            # A phrase such as "dans les meilleurs délais" instead of a figure.
            proposed = True if isinstance(value, str) and value.strip() else None
        else:
            proposed = value if _is_number(value) else None
        if proposed is not None:
            out.append(Proposal(field, term, current.get(field), proposed, stated.get(term, ())))
    return out
