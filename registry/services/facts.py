"""Database records -> the plain facts the domain rules take (kept apart so the rules never query)."""

from dataclasses import dataclass
from datetime import date

from registry.domain.activities import ActivityFacts, PurposeFacts
from registry.domain.clients import ContractTerms
from registry.domain.retention import RetentionFacts
from registry.domain.subprocessors import SubProcessorFacts, non_eea_locations
from registry.domain.transfers import TransferFacts, is_covered
from registry.models import Activity, ClientController, Organisation, RetentionRule, SubProcessor, Transfer


def transfer_facts(t: Transfer) -> TransferFacts:
    return TransferFacts(
        destination_country=t.destination_country,
        destination_organisation=t.destination_organisation,
        exporter_role=t.exporter_role,
        importer_role=t.importer_role,
        mechanism=t.mechanism,
        scc_module=t.scc_module,
        dpf_checked_on=t.dpf_checked_on,
        derogation_ground=t.derogation_ground,
        tia_date=t.tia_date,
        document_reference=t.document_reference,
        fallback_scc_module=t.fallback_scc_module,
        fallback_tia_date=t.fallback_tia_date,
    )


def contract_terms(c: ClientController) -> ContractTerms:
    return ContractTerms(**{name: getattr(c, name) for name in ContractTerms.__dataclass_fields__})


def retention_facts(r: RetentionRule) -> RetentionFacts:
    return RetentionFacts(**{name: getattr(r, name) for name in RetentionFacts.__dataclass_fields__})


def subprocessor_facts(
    sp: SubProcessor, transfers: list["LinkedTransfer"], active_users: int, on: date,
    promised: tuple[int, str] | None = None,
) -> SubProcessorFacts:
    """`transfers`: the transfers recorded for this sub-processor; `promised`: the shortest breach delay (hours)
    promised to a client whose active activity uses it, and that client's name."""
    return SubProcessorFacts(
        seat_country=sp.country,
        status=sp.status,
        dpa_signed_on=sp.dpa_signed_on,
        location_countries=tuple(loc.country for loc in sp.locations),
        covered_destinations=frozenset(
            t.destination_country for t in transfers if t.destination_country and t.covered
        ),
        recorded_destinations=frozenset(t.destination_country for t in transfers if t.destination_country),
        active_activities_using=active_users,
        breach_notice_hours=sp.breach_notice_hours,
        promised_breach_hours=promised[0] if promised else None,
        promised_to=promised[1] if promised else None,
    )


def organisation_identified(org: Organisation) -> bool:
    return bool(org.legal_name and (org.contact_email or org.contact_phone or org.address))


@dataclass(frozen=True)
class LinkedSubProcessor:
    """What an activity's completeness needs of one of its sub-processors."""

    id: int
    status: str
    location_countries: tuple[str, ...]


@dataclass(frozen=True)
class LinkedTransfer:
    """A recorded transfer reduced to what the rules read, with whom it goes to."""

    recipient: str
    destination_country: str | None
    covered: bool  # Chapter V satisfied on the day the flags are computed


def linked_transfer(t, on: date) -> LinkedTransfer:
    """From a Transfer record or a row with the same column names; coverage is decided once per transfer."""
    return LinkedTransfer(t.recipient, t.destination_country, is_covered(transfer_facts(t), on))


def activity_facts(
    a: Activity,
    org: Organisation,
    clients: list[tuple[str, bool]],
    subprocessors: list[LinkedSubProcessor],
    own_transfers: list[LinkedTransfer],
    transfers_by_subprocessor: dict[int, list[LinkedTransfer]],
    retention_rules: int,
    measures: int,
    on: date,
) -> ActivityFacts:
    """Facts of an activity from plain values the caller fetched in batches for a whole page.

    `clients`: (legal name, has a contact) of each linked client controller.
    """
    relevant = list(own_transfers)
    for sp in subprocessors:
        relevant.extend(transfers_by_subprocessor.get(sp.id, []))
    recorded = {t.destination_country for t in relevant if t.destination_country}
    unrecorded = sorted(
        {c for sp in subprocessors if sp.status != "retired" for c in non_eea_locations(sp.location_countries)}
        - recorded
    )
    uncovered = sorted({t.recipient for t in relevant if not t.covered})
    return ActivityFacts(
        role=a.role,
        description=a.description,
        purposes=tuple(PurposeFacts(p.get("purpose", ""), p.get("legal_basis"), p.get("art9_condition"))
                       for p in a.purposes),
        data_subjects=tuple(d["code"] for d in a.data_subjects),
        data_categories=tuple(d["code"] for d in a.data_categories),
        recipients=tuple(d["code"] for d in a.recipients),
        organisation_identified=organisation_identified(org),
        dpo_recorded=bool(org.dpo_name or org.dpo_email),
        client_names=tuple(name for name, _contact in clients),
        clients_without_contact=tuple(name for name, contact in clients if not contact),
        retention_rules=retention_rules,
        measures=measures,
        unrecorded_transfer_countries=tuple(unrecorded),
        uncovered_transfers=tuple(uncovered),
        dpia=a.dpia,
    )
