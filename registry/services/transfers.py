"""Writes of transfers outside the EEA and the Chapter V mechanism they rely on (Arts. 44-49)."""

from sqlmodel import Session

from registry.models import Activity, Organisation, SubProcessor, Transfer, TransferCreate
from registry.services.crud import Changes, Invalid, check_owned, create_record, delete_record, update_record


def _check(session: Session, org: Organisation, data: dict) -> None:
    check_owned(session, org, Activity, data.get("activity_id"), "activity_id")
    check_owned(session, org, SubProcessor, data.get("subprocessor_id"), "subprocessor_id")
    # The SCC module only means something for standard contractual clauses (Decision 2021/914).
    if data.get("mechanism") == "scc" and not data.get("scc_module"):
        raise Invalid({"scc_module": ["Pick the SCC module (1 to 4) the contract uses."]})
    if data.get("mechanism") == "derogation" and not data.get("derogation_ground"):
        raise Invalid({"derogation_ground": ["Name the Art. 49 ground relied on."]})
    # An onward transfer belongs to the hop that makes it: below the first level, a processor exports (Art. 28(4)).
    hop = session.get(SubProcessor, data["subprocessor_id"]) if data.get("subprocessor_id") else None
    if hop is not None and hop.parent_id is not None and data.get("exporter_role", "controller") != "processor":
        raise Invalid({"exporter_role": ["A transfer to a sub-processor's own sub-processor is exported by a processor."]})


def create_transfer(session: Session, org: Organisation, data: dict, actor: str) -> tuple[Transfer, Changes]:
    """Record a transfer with its destination and safeguard (Art. 30(1)(e), Arts. 45-49)."""
    _check(session, org, data)
    return create_record(session, org, Transfer, TransferCreate, data, actor)


def update_transfer(session: Session, org: Organisation, obj: Transfer, data: dict, actor: str) -> Changes:
    """Change a transfer's destination or safeguard (Arts. 44-49)."""
    _check(session, org, data)
    return update_record(session, org, obj, TransferCreate, data, actor)


def delete_transfer(session: Session, org: Organisation, obj: Transfer, actor: str) -> Changes:
    """Remove a transfer record (nothing else depends on it)."""
    return delete_record(session, org, obj, actor)
