"""Sub-processor change actions (Art. 28(2)): plan, notify, record objections and decisions, make effective."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from registry import audit, clock
from registry.domain import changes as rules
from registry.domain.flags import Flag
from registry.domain.refusals import Message, Refused
from registry.models import (
    Activity,
    ActivitySubProcessorLink,
    ChangeNotice,
    ChangeObjection,
    ChangeObjectionCreate,
    ClientController,
    Organisation,
    ProcessingLocation,
    SubProcessor,
    SubProcessorChange,
    SubProcessorChangeCreate,
    SubProcessorCreate,
)
from registry.services.crud import claim_version


class ChangeRefused(Refused):
    """The action is refused, with the message at `field` (the record's field name, "" for the change as a whole);
    `blockers` says why when a change cannot take effect yet."""

    def __init__(self, message: str | Message, field: str = "", blockers: list[rules.Blocker] | None = None):
        super().__init__({field: [message]}, blockers or [])
        self.message = message


def org_today(session: Session, org_id: int) -> date:
    """Today in the organisation's time zone: the day its DPO means by "today" (notices, decisions, effect)."""
    return clock.today(session.get(Organisation, org_id).timezone)


def _subprocessor(session: Session, org_id: int, sp_id: int | None, field: str) -> SubProcessor:
    sp = session.get(SubProcessor, sp_id) if sp_id is not None else None
    if sp is None or sp.organisation_id != org_id:
        raise ChangeRefused(Message("no sub-processor %(id)s in this organisation", {"id": sp_id}), field)
    return sp


def _activities(session: Session, org_id: int, ids: list[int]) -> list[Activity]:
    found = list(session.execute(select(Activity).where(Activity.id.in_(ids or [-1]))).scalars())
    wrong = sorted(set(ids) - {a.id for a in found if a.organisation_id == org_id})
    if wrong:
        raise ChangeRefused(Message("no activity %(ids)s in this organisation", {"ids": ", ".join(map(str, wrong))}),
                            "activity_ids")
    return sorted(found, key=lambda a: a.id)


def _users_of(session: Session, sp_id: int | None) -> list[Activity]:
    if sp_id is None:
        return []
    return list(session.execute(
        select(Activity).join(ActivitySubProcessorLink, ActivitySubProcessorLink.activity_id == Activity.id)
        .where(ActivitySubProcessorLink.subprocessor_id == sp_id).order_by(Activity.id)
    ).scalars())


def affected_activities(session: Session, change: SubProcessorChange) -> list[Activity]:
    """The activities that use, or will use, the sub-processor (and the replaced one for a replacement)."""
    ids = {a.id for a in _users_of(session, change.subprocessor_id)} | set(change.activity_ids or [])
    ids |= {a.id for a in _users_of(session, change.replaces_id)}
    return _activities(session, change.organisation_id, sorted(ids))


def affected_clients(session: Session, change: SubProcessorChange) -> list[ClientController]:
    """Art. 28(2): the clients to inform are those for whom an affected activity is carried out."""
    seen: dict[int, ClientController] = {}
    for activity in affected_activities(session, change):
        for client in activity.clients:
            seen.setdefault(client.id, client)
    return [seen[k] for k in sorted(seen)]


def client_terms(client: ClientController) -> rules.ClientTerms:
    return rules.ClientTerms(client.id, client.legal_name, client.subprocessor_authorisation, client.objection_right,
                             client.objection_period_days, client.language)


def change_flags(session: Session, change: SubProcessorChange) -> dict[int, list[Flag]]:
    """Art. 28(2) flags per affected client, from the clients' current contract terms."""
    return {c.id: fl for c in affected_clients(session, change)
            if (fl := rules.client_flags(change.kind, client_terms(c), change.default_objection_days))}


def propose_subprocessor(session: Session, org: Organisation, data: SubProcessorCreate, actor: str) -> SubProcessor:
    """Art. 28(2): record a sub-processor the organisation intends to engage, as planned until a change takes effect."""
    values = data.model_dump(exclude={"locations"})
    values.update(status="planned", active_from=None, retired_on=None)
    sp = SubProcessor(organisation_id=org.id, **values)
    sp.locations = [ProcessingLocation(**loc.model_dump()) for loc in data.locations]
    session.add(sp)
    session.flush()
    audit.record(session, actor, "create", sp, organisation_slug=org.slug, after=audit.snapshot(sp))
    return sp


def plan_change(session: Session, org: Organisation, data: SubProcessorChangeCreate, actor: str) -> SubProcessorChange:
    """Art. 28(2): record an intended change, the clients to tell, each one's window and the earliest effective date."""
    sp = _subprocessor(session, org.id, data.subprocessor_id, "subprocessor_id")
    if data.kind == "replace":
        _subprocessor(session, org.id, data.replaces_id, "replaces_id")
    if data.kind in rules.ENGAGES_NEW and sp.status != "planned":
        raise ChangeRefused(Message("%(name)s is recorded as “%(sp_status)s”; a new sub-processor is recorded as planned",
                                    {"name": sp.legal_name, "sp_status": sp.status}), "subprocessor_id")
    if data.kind in ("remove", "change_locations") and sp.status != "active":
        raise ChangeRefused(Message("%(name)s is recorded as “%(sp_status)s”, not as active",
                                    {"name": sp.legal_name, "sp_status": sp.status}), "subprocessor_id")
    _activities(session, org.id, data.activity_ids)
    change = SubProcessorChange(organisation_id=org.id, **data.table_values())
    change.new_locations = [loc.model_dump() for loc in data.new_locations]
    session.add(change)
    session.flush()
    clients = affected_clients(session, change)
    plan = rules.plan_change(change.kind, change.notice_date, [client_terms(c) for c in clients],
                             default_days=change.default_objection_days)
    by_id = {c.id: c for c in clients}
    for row in plan.clients:
        change.notices.append(ChangeNotice(client_id=row.client_id, language=by_id[row.client_id].language,
                                           period_days=row.period_days, period_recorded=row.period_recorded,
                                           deadline=row.deadline))
    change.earliest_effective = plan.earliest_effective
    session.flush()
    audit.record(session, actor, "create", change, organisation_slug=org.slug, after=_change_snapshot(change))
    return change


def _change_snapshot(change: SubProcessorChange) -> dict:
    out = audit.snapshot(change)
    out["notices"] = [audit.snapshot(n) for n in change.notices]
    out["objections"] = [audit.snapshot(o) for o in change.objections]
    return out


def _update(session: Session, change: SubProcessorChange, actor: str, mutate) -> SubProcessorChange:
    """Apply `mutate` to a change that is still open, bump its version and audit it; flush only."""
    if change.status in ("effective", "cancelled"):
        raise ChangeRefused(Message("the change is “%(change_status)s”: it can no longer be modified",
                                    {"change_status": change.status}), "status")
    before = _change_snapshot(change)
    mutate()
    claim_version(session, change)
    session.flush()
    audit.record(session, actor, "update", change, before=before, after=_change_snapshot(change))
    return change


def _notice(change: SubProcessorChange, client_id: int) -> ChangeNotice:
    notice = next((n for n in change.notices if n.client_id == client_id), None)
    if notice is None:
        raise ChangeRefused(Message("client %(id)s is not affected by this change", {"id": client_id}), "client_id")
    return notice


def _refresh_deadlines(change: SubProcessorChange) -> None:
    for n in change.notices:
        n.deadline = (n.sent_on or change.notice_date) + timedelta(days=n.period_days)
    change.earliest_effective = rules.earliest_effective(
        change.notice_date, [(n.sent_on or change.notice_date, n.period_days) for n in change.notices])


def record_notice_sent(session: Session, change: SubProcessorChange, client_id: int, sent_on: date,
                       actor: str) -> SubProcessorChange:
    """Art. 28(2): the client was told on `sent_on`; its window runs from then (a late notice moves the date)."""
    if sent_on < change.notice_date:
        raise ChangeRefused(Message("the notice cannot be sent before the notice date (%(day)s)",
                                    {"day": change.notice_date}), "sent_on")
    notice = _notice(change, client_id)

    def mutate():
        notice.sent_on = sent_on
        _refresh_deadlines(change)
        if all(n.sent_on for n in change.notices) and change.status == "planned":
            change.status = "notified"

    return _update(session, change, actor, mutate)


def record_consent(session: Session, change: SubProcessorChange, client_id: int, consent_on: date,
                   actor: str) -> SubProcessorChange:
    """Art. 28(2): the client's written authorisation, where its contract requires one for this change."""
    notice = _notice(change, client_id)
    return _update(session, change, actor, lambda: setattr(notice, "consent_on", consent_on))


def record_acknowledgement(session: Session, change: SubProcessorChange, client_id: int, on: date,
                           actor: str) -> SubProcessorChange:
    """Art. 28(2): the client took note of the change on `on` (through its link, or as the DPO records it); the
    first acknowledgement stands, a repeated one changes nothing."""
    notice = _notice(change, client_id)
    if on < change.notice_date:
        raise ChangeRefused(Message("an acknowledgement cannot come before the notice date (%(day)s)",
                                    {"day": change.notice_date}), "acknowledged_on")
    if notice.acknowledged_on is not None and notice.acknowledged_on <= on:
        return change
    return _update(session, change, actor, lambda: setattr(notice, "acknowledged_on", on))


def record_objection(session: Session, change: SubProcessorChange, data: ChangeObjectionCreate,
                     actor: str) -> ChangeObjection:
    """Art. 28(2): a client objected to the change; it stays open until the DPO records a decision."""
    _notice(change, data.client_id)
    if data.received_on < change.notice_date:
        raise ChangeRefused(Message("an objection cannot be received before the notice date (%(day)s)",
                                    {"day": change.notice_date}), "received_on")
    objection = ChangeObjection(**data.model_dump())
    _update(session, change, actor, lambda: change.objections.append(objection))
    return objection


def decide_objection(session: Session, change: SubProcessorChange, objection_id: int, outcome: str, decision: str,
                     actor: str, on: date | None = None) -> ChangeObjection:
    """Art. 28(2): the DPO's decision on an objection (withdrawn, upheld or overruled) with its reasons."""
    objection = next((o for o in change.objections if o.id == objection_id), None)
    if objection is None:
        raise ChangeRefused(Message("no objection %(id)s on this change", {"id": objection_id}), "objection_id")
    checked = ChangeObjectionCreate.model_validate(
        {**objection.model_dump(include=set(ChangeObjectionCreate.model_fields)), "outcome": outcome,
         "decision": decision, "decided_on": on or org_today(session, change.organisation_id)})

    def mutate():
        for name in ("outcome", "decision", "decided_on"):
            setattr(objection, name, getattr(checked, name))

    _update(session, change, actor, mutate)
    return objection


def record_dpo_decision(session: Session, change: SubProcessorChange, text: str, actor: str) -> SubProcessorChange:
    """The DPO's decision on the change as a whole (e.g. how an upheld objection is handled)."""
    if not (text or "").strip():
        raise ChangeRefused(Message("write the decision"), "dpo_decision")
    return _update(session, change, actor, lambda: setattr(change, "dpo_decision", text.strip()))


def cancel_change(session: Session, change: SubProcessorChange, actor: str) -> SubProcessorChange:
    """Art. 28(2): the intended change is dropped; the register keeps it, cancelled, with its notices and objections."""
    return _update(session, change, actor, lambda: setattr(change, "status", "cancelled"))


def effect_blockers(session: Session, change: SubProcessorChange, on: date) -> list[rules.Blocker]:
    """Art. 28(2): what still stands between the change and its taking effect on `on`."""
    clients = {c.id: c for c in affected_clients(session, change)}
    planned = {n.client_id for n in change.notices}
    return rules.effect_blockers(rules.EffectCheck(
        kind=change.kind, on=on, earliest_effective=change.earliest_effective or change.notice_date,
        notified_clients=frozenset(n.client_id for n in change.notices if n.sent_on),
        # a client that became affected after planning (a new link) has no notice yet: it blocks too
        affected_clients=frozenset(planned | set(clients)),
        consent_needed=frozenset(cid for cid, c in clients.items() if rules.needs_consent(change.kind, client_terms(c))),
        consent_given=frozenset(n.client_id for n in change.notices if n.consent_on),
        objections=tuple(rules.ObjectionState(o.client_id, o.outcome, o.decision) for o in change.objections),
        dpo_decision=change.dpo_decision,
    ))


def _relink(session: Session, actor: str, activity: Activity, add: SubProcessor | None = None,
            drop: SubProcessor | None = None) -> None:
    before = audit.snapshot(activity)
    subs = [s for s in activity.subprocessors if drop is None or s.id != drop.id]
    if add is not None and all(s.id != add.id for s in subs):
        subs.append(add)
    if [s.id for s in subs] == [s.id for s in activity.subprocessors]:
        return
    activity.subprocessors = sorted(subs, key=lambda s: s.id)
    claim_version(session, activity)
    session.flush()
    audit.record(session, actor, "update", activity, before=before, after=audit.snapshot(activity))


def _set_status(session: Session, actor: str, sp: SubProcessor, status: str, on: date) -> None:
    before = audit.snapshot(sp)
    sp.status = status
    if status == "active":
        sp.active_from, sp.retired_on = on, None
    else:
        sp.retired_on = on
    claim_version(session, sp)
    session.flush()
    audit.record(session, actor, "update", sp, before=before, after=audit.snapshot(sp))


def make_effective(session: Session, change: SubProcessorChange, actor: str, on: date | None = None) -> SubProcessorChange:
    """Art. 28(2): apply the change to the register once nothing blocks it: one transaction, every record audited."""
    today = org_today(session, change.organisation_id)
    on = on or today
    if change.status not in ("planned", "notified"):
        raise ChangeRefused(Message("the change is “%(change_status)s”", {"change_status": change.status}), "status")
    if on > today:
        raise ChangeRefused(Message("a change is made effective on the day it takes effect, not in advance"), "on")
    blockers = effect_blockers(session, change, on)
    if blockers:
        raise ChangeRefused("the change cannot take effect yet: " + "; ".join(
            f"{b.code}{f' (client {b.client_id})' if b.client_id else ''}: {b.detail}" for b in blockers),
            blockers=blockers)
    org_id = change.organisation_id
    sp = _subprocessor(session, org_id, change.subprocessor_id, "subprocessor_id")
    if change.kind in ("add", "replace"):
        users = _activities(session, org_id, change.activity_ids or [])
        if change.kind == "replace":
            old = _subprocessor(session, org_id, change.replaces_id, "replaces_id")
            users = sorted({a.id: a for a in users + _users_of(session, old.id)}.values(), key=lambda a: a.id)
        _set_status(session, actor, sp, "active", on)
        for activity in users:
            _relink(session, actor, activity, add=sp, drop=old if change.kind == "replace" else None)
        if change.kind == "replace":
            _set_status(session, actor, old, "retired", on)
    elif change.kind == "remove":
        for activity in _users_of(session, sp.id):
            _relink(session, actor, activity, drop=sp)
        _set_status(session, actor, sp, "retired", on)
    else:
        before = audit.snapshot(sp)
        sp.locations = [ProcessingLocation(**loc) for loc in change.new_locations]
        claim_version(session, sp)
        session.flush()
        audit.record(session, actor, "update", sp, before=before, after=audit.snapshot(sp))

    def mutate():
        change.status, change.effective_on = "effective", on

    before = _change_snapshot(change)
    mutate()
    claim_version(session, change)
    session.flush()
    audit.record(session, actor, "update", change, before=before, after=_change_snapshot(change))
    return change


def list_changes(session: Session, org_id: int) -> list[SubProcessorChange]:
    return list(session.execute(select(SubProcessorChange).where(SubProcessorChange.organisation_id == org_id)
                                .order_by(SubProcessorChange.id)).scalars())


def get_change(session: Session, org_id: int, change_id: int) -> SubProcessorChange | None:
    change = session.get(SubProcessorChange, change_id)
    return change if change is not None and change.organisation_id == org_id else None


def notice_data(session: Session, change: SubProcessorChange, client_id: int) -> dict:
    """Art. 28(2): what the notice to one client says, as plain data for the PDF (the CNIL's model clause asks for
    the sub-processed activities, the sub-processor's identity and contact, its locations and transfer safeguards,
    the contract dates and the objection deadline). User text is returned as is: the renderer escapes it."""
    from registry.models import Transfer

    notice = _notice(change, client_id)
    org = session.get(Organisation, change.organisation_id)
    client = session.get(ClientController, client_id)
    sp = session.get(SubProcessor, change.subprocessor_id)
    replaced = session.get(SubProcessor, change.replaces_id) if change.replaces_id else None
    used = [a for a in affected_activities(session, change) if client_id in [c.id for c in a.clients]]
    transfers = session.execute(select(Transfer).where(Transfer.subprocessor_id == sp.id).order_by(Transfer.id)).scalars()
    locations = change.new_locations if change.kind == "change_locations" else [
        {"country": loc.country, "site": loc.site, "kind": loc.kind} for loc in sp.locations]
    return {
        "language": notice.language,
        "kind": change.kind,
        "processor": {"legal_name": org.legal_name, "address": org.address, "dpo_email": org.dpo_email,
                      "contact_email": org.contact_email},
        "client": {"legal_name": client.legal_name, "address": client.address, "contact_name": client.contact_name,
                   "contact_email": client.contact_email, "contract_reference": client.contract_reference,
                   "contract_start": client.contract_start, "objection_channel": client.objection_channel},
        "subprocessor": {"legal_name": sp.legal_name, "trade_name": sp.trade_name, "address": sp.address,
                         "country": sp.country, "contact_email": sp.contact_email, "dpo_contact": sp.dpo_contact,
                         "service": sp.service, "dpa_signed_on": sp.dpa_signed_on, "dpa_reference": sp.dpa_reference},
        "replaces": {"legal_name": replaced.legal_name} if replaced else None,
        "activities": [{"reference": a.reference, "name": a.name} for a in used],
        "locations": locations,
        "safeguards": [{"destination": t.destination_country or t.destination_organisation, "mechanism": t.mechanism,
                        "scc_module": t.scc_module, "document_reference": t.document_reference} for t in transfers],
        "notice_date": notice.sent_on or change.notice_date,
        "period_days": notice.period_days,
        "period_recorded": notice.period_recorded,
        "objection_deadline": notice.deadline,
        "earliest_effective": change.earliest_effective,
    }
