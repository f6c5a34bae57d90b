"""Contract documents: store an upload on its client or sub-processor record, and cross-check it with the register."""

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import defer, undefer
from sqlmodel import Session

from registry import audit
from registry.domain.contracts.accept import Proposal, record_proposals
from registry.domain.contracts.check import ContractCheck, check_lines
from registry.domain.contracts.crosscheck import RecordedTransfer, RegisterFacts, cross_check
from registry.domain.refusals import Refused
from registry.domain.subprocessors import non_eea_locations
from registry.models import (
    ClientController,
    ClientControllerCreate,
    ContractDocument,
    Organisation,
    RetentionRule,
    SubProcessor,
    SubProcessorCreate,
    Transfer,
)
from registry.services.contract_files import MEDIA_TYPES, N_, ContractFileError, ParseLimits, extract_isolated
from registry.services.crud import Changes, Invalid, apply, check_version, record_update, validate
from registry.services.organisations import get_by_slug

_UNIT = {"days": "day", "weeks": "week", "months": "month", "years": "year"}


class RegisterNotFound(Refused):
    """The organisation, client or sub-processor a contract is checked against does not exist."""


def store_contract(session: Session, organisation_id: int, *, file_name: str, data: bytes, uploaded_by: str,
                   client_id: int | None = None, subprocessor_id: int | None = None,
                   limits: ParseLimits | None = None) -> ContractDocument:
    """Store a contract file on a client controller (Art. 28(3)) or sub-processor (Art. 28(4)) record; flush only.

    The file is read and checked first, in a child process held to `limits`: a refused file (ContractFileError)
    stores nothing. A new upload gets the next revision number; older revisions stay.
    """
    if (client_id is None) == (subprocessor_id is None):
        raise ValueError("client_id: a contract belongs to exactly one client controller or one sub-processor")
    owner_model, owner_id = (ClientController, client_id) if client_id is not None else (SubProcessor, subprocessor_id)
    owner = session.get(owner_model, owner_id)
    if owner is None or owner.organisation_id != organisation_id:
        raise RegisterNotFound(f"{'client_id' if client_id is not None else 'subprocessor_id'}: no such record "
                               "in this organisation")
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    if not name:
        raise ContractFileError(N_("The file has no name."))
    extracted = extract_isolated(data, limits)
    result = check_lines(extracted.lines)
    owner_column = ContractDocument.client_id if client_id is not None else ContractDocument.subprocessor_id
    last = session.execute(select(func.max(ContractDocument.revision)).where(owner_column == owner_id)).scalar()
    doc = ContractDocument(
        organisation_id=organisation_id, client_id=client_id, subprocessor_id=subprocessor_id, file_name=name,
        kind=extracted.kind, media_type=MEDIA_TYPES[extracted.kind], size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=uploaded_by[:200] or "?", revision=(last or 0) + 1,
        pages=extracted.pages, content=data, check_result=result.to_json(),
    )
    session.add(doc)
    session.flush()
    # The file itself is kept on the row; the trail records what identifies it (name, size, SHA-256).
    audit.record(session, uploaded_by, "create", doc, after={
        k: audit.plain(getattr(doc, k)) for k in ("file_name", "kind", "size_bytes", "sha256", "revision",
                                                  "client_id", "subprocessor_id", "uploaded_at")})
    return doc


def contract_versions(session: Session, *, client_id: int | None = None,
                      subprocessor_id: int | None = None) -> list[ContractDocument]:
    """Every stored revision of a record's contract, newest first; the file itself is read only when asked for."""
    return list(session.execute(_of_owner(client_id, subprocessor_id).options(defer(ContractDocument.content))
                                .order_by(ContractDocument.revision.desc())).scalars())


def latest_contract(session: Session, *, client_id: int | None = None,
                    subprocessor_id: int | None = None) -> ContractDocument | None:
    """The newest revision of a record's contract with its check, without the file, or None."""
    return session.execute(_of_owner(client_id, subprocessor_id).options(defer(ContractDocument.content))
                           .order_by(ContractDocument.revision.desc()).limit(1)).scalars().first()


def contract_revision(session: Session, revision: int | None = None, *, client_id: int | None = None,
                      subprocessor_id: int | None = None) -> ContractDocument | None:
    """One revision of a record's contract with its file (the latest when `revision` is None), or None."""
    stmt = _of_owner(client_id, subprocessor_id).options(undefer(ContractDocument.content))
    if revision is not None:
        stmt = stmt.where(ContractDocument.revision == revision)
    return session.execute(stmt.order_by(ContractDocument.revision.desc()).limit(1)).scalars().first()


def _of_owner(client_id: int | None, subprocessor_id: int | None):
    if (client_id is None) == (subprocessor_id is None):
        raise ValueError("client_id: a contract belongs to exactly one client controller or one sub-processor")
    column, value = ((ContractDocument.client_id, client_id) if client_id is not None
                     else (ContractDocument.subprocessor_id, subprocessor_id))
    return select(ContractDocument).where(column == value)


def register_facts(session: Session, organisation_id: int, *, client_id: int | None = None,
                   subprocessor_id: int | None = None) -> RegisterFacts:
    """What the register holds for the counterpart of a contract, as plain values for the domain cross-check."""
    rules = session.execute(select(RetentionRule).where(RetentionRule.organisation_id == organisation_id)).scalars()
    retention = tuple((r.value, _UNIT[r.unit]) for r in rules if r.value and r.unit in _UNIT)
    if client_id is not None:
        client = session.get(ClientController, client_id)
        if client is None or client.organisation_id != organisation_id:
            raise RegisterNotFound({"client_id": [f"no client controller {client_id} in this organisation"]})
        subs = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == organisation_id,
                                                          SubProcessor.status != "retired")).scalars().all()
        transfers = session.execute(select(Transfer).where(Transfer.organisation_id == organisation_id)).scalars()
        return RegisterFacts(
            subprocessor_names=tuple(s.legal_name for s in subs),
            transfers=tuple(_recorded(t) for t in transfers),
            non_eea_locations=non_eea_locations(tuple(loc.country for s in subs for loc in s.locations)),
            retention=retention, breach_notice_hours=client.breach_notice_hours,
            breach_notice_undue_delay=client.breach_notice_undue_delay,
            objection_period_days=client.objection_period_days)
    sub = session.get(SubProcessor, subprocessor_id)
    if sub is None or sub.organisation_id != organisation_id:
        raise RegisterNotFound({"subprocessor_id": [f"no sub-processor {subprocessor_id} in this organisation"]})
    transfers = session.execute(select(Transfer).where(Transfer.subprocessor_id == sub.id)).scalars()
    # The sub-processor must warn us in time for us to warn our strictest client (Art. 33(2) down the chain).
    client_hours = [h for h in session.execute(select(ClientController.breach_notice_hours).where(
        ClientController.organisation_id == organisation_id)).scalars() if h is not None]
    return RegisterFacts(
        transfers=tuple(_recorded(t) for t in transfers),
        non_eea_locations=non_eea_locations(tuple(loc.country for loc in sub.locations)),
        retention=retention, breach_notice_hours=min(client_hours) if client_hours else None,
        breach_notice_undue_delay=not client_hours, check_subprocessors=False)


def _recorded(t: Transfer) -> RecordedTransfer:
    return RecordedTransfer(t.recipient, t.destination_country, t.mechanism, t.destination_organisation)


def cross_check_register(session: Session, result: ContractCheck, org_slug: str, *, client_id: int | None = None,
                         subprocessor_id: int | None = None, lang: str = "fr") -> list[dict]:
    """Findings of the contract against the register record it belongs to (Arts. 28(2), 33(2), 44-46)."""
    org = get_by_slug(session, org_slug)
    if org is None:
        raise RegisterNotFound({"organisation": [f"no organisation {org_slug!r}"]})
    if client_id is None and subprocessor_id is None:
        raise RegisterNotFound({"": ["say which client controller or sub-processor the contract belongs to"]})
    facts = register_facts(session, org.id, client_id=client_id, subprocessor_id=subprocessor_id)
    return [f.as_dict(lang) for f in cross_check(result.terms, facts)]


def record_cross_check(session: Session, doc: ContractDocument, lang: str = "fr") -> list[dict]:
    """The stored contract's terms against what the register holds today (Arts. 28(2), 33(2), 44-46, 5(1)(e))."""
    facts = register_facts(session, doc.organisation_id, client_id=doc.client_id, subprocessor_id=doc.subprocessor_id)
    return [f.as_dict(lang) for f in cross_check((doc.check_result or {}).get("terms") or {}, facts)]


def _record_data(record: ClientController | SubProcessor) -> tuple[type, dict]:
    """The record's validating model and its current values in that model's shape."""
    if isinstance(record, SubProcessor):
        data = {name: getattr(record, name) for name in SubProcessorCreate.model_fields if name != "locations"}
        data["locations"] = [{"country": loc.country, "kind": loc.kind, "site": loc.site} for loc in record.locations]
        return SubProcessorCreate, data
    return ClientControllerCreate, {name: getattr(record, name) for name in ClientControllerCreate.model_fields}


def _owner(record: ClientController | SubProcessor) -> dict:
    return {"subprocessor_id": record.id} if isinstance(record, SubProcessor) else {"client_id": record.id}


def term_proposals(record: ClientController | SubProcessor, doc: ContractDocument) -> list[Proposal]:
    """The record's fields the contract gives a value for, beside their current value (Art. 28(3)-(4))."""
    result = doc.check_result or {}
    return record_proposals(result.get("terms") or {}, result.get("conflicts") or [], _record_data(record)[1])


def accept_contract_terms(session: Session, org: Organisation, record: ClientController | SubProcessor,
                          document_id: int, fields: list[str], version: str | int | None, actor: str) -> Changes:
    """Copy the chosen terms of the record's latest contract into it: one audited update (Arts. 28(3)-(4), 5(2)).

    The record is a client controller (what the organisation promised) or a sub-processor (what it was
    promised). Refused (nothing written) when the record changed since the form was read (StaleRecord), when
    a newer contract was stored meanwhile, or when a field is not one the contract gives a value for.
    """
    if record.organisation_id != org.id:
        raise RegisterNotFound("record: no such record in this organisation")
    check_version(record, version)
    latest = latest_contract(session, **_owner(record))
    if latest is None or latest.id != document_id:
        raise Invalid({"": ["A newer version of the contract was stored after this page was opened: reload it."]})
    proposals = {p.field: p for p in term_proposals(record, latest)}
    unknown = sorted(set(fields) - set(proposals))
    if unknown:
        raise Invalid({"fields": ["The contract gives no value for this field."]})
    if not fields:
        raise Invalid({"fields": ["Tick at least one term to copy into the record."]})
    schema, data = _record_data(record)
    data.update({name: proposals[name].proposed for name in fields})
    valid = validate(schema, data)
    before = audit.snapshot(record)
    changes = apply(record, {name: getattr(valid, name) for name in fields})
    record_update(session, record, before, changes, actor)
    return changes
