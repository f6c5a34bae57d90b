"""Data-subject requests: the generic list/new/detail/edit/delete, the two clocks and "Forward to the client"."""

from types import SimpleNamespace

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import clock
from registry.auth import WRITE_ROLES
from registry.db import get_session
from registry.domain import requests as rules
from registry.forms import as_answers, by_label, plain_choices
from registry.forms.requests import CHANNELS, RIGHTS, STATUSES, DataRequestForm, ForwardForm
from registry.models import Activity, ClientController, DataRequest
from registry.services import requests as service
from registry.views.crud import actor, get_or_404, org_blueprint, register_crud, save
from registry.views.entity import WRITE, Column, Entity, Filter, requires
from registry.views.formatting import date_text
from registry.views.request_letters import register_letter_routes

bp = org_blueprint("requests", __name__)


def label(pairs, code) -> str:
    return str(dict(pairs).get(code, code or ""))


def rights_text(obj: DataRequest) -> str:
    return ", ".join(label(RIGHTS, r) for r in obj.rights or [])


def _clients(session, org) -> dict[int, ClientController]:
    return {c.id: c for c in session.scalars(select(ClientController).where(ClientController.organisation_id == org.id))}


def may_see_requester() -> bool:
    """Only the organisation's admins and DPOs read a requester's name and contact (Art. 5(1)(c), 5(1)(f)): an
    auditor checks how requests are handled, not who made them."""
    return g.get("role") in WRITE_ROLES


def withheld_text() -> str:
    return _("Withheld: personal data of the requester")


def prepare_form(form, session, org, obj):
    acts = session.execute(
        select(Activity.id, Activity.reference, Activity.name).where(Activity.organisation_id == org.id)
    ).all()
    g.request_activity_choices = [("", "—")] + by_label((i, f"{ref} · {name}") for i, ref, name in acts)
    form.client_id.choices = [("", _("None: a request about our own processing"))] + by_label(
        (c.id, c.legal_name) for c in _clients(session, org).values())
    if obj is None and request.method == "GET" and not form.received_on.data:
        form.received_on.data = clock.today(org.timezone)
    if not may_see_requester():  # the detail page's read-only form, for auditors
        for name in ("requester_name", "requester_contact"):
            form[name].data = None
            form[name].shown = withheld_text


def form_from_record(obj: DataRequest):
    return as_answers(obj, activities=[as_answers_row(a) for a in obj.activity_links])


def as_answers_row(link):
    return SimpleNamespace(activity_id=link.activity_id, measure=link.measure, measure_note=link.measure_note)


def page_context(session, org, rows) -> dict:
    return {"clients": {c.id: c.legal_name for c in _clients(session, org).values()},
            "holidays": service.holidays_of(org), "today": clock.today(org.timezone)}


def _due_cell(r: DataRequest, ctx) -> str:
    due = rules.answer_deadline(r.received_on, ctx["holidays"], r.extended).due
    return date_text(due) if r.is_open else ""


def detail_context(session, org, obj) -> dict:
    today = clock.today(org.timezone)
    deadline = service.deadline(org, obj)
    client = session.get(ClientController, obj.client_id) if obj.client_id else None
    acts = {a.id: a for a in session.scalars(select(Activity).where(
        Activity.organisation_id == org.id, Activity.id.in_([x.activity_id for x in obj.activity_links])))}
    message = None
    if client is not None:
        message = rules.forward_message(
            client.language or "fr", reference=obj.reference, received_on=obj.received_on,
            rights=list(obj.rights or []), activities=[f"{acts[x.activity_id].reference} · {acts[x.activity_id].name}"
                                                      for x in obj.activity_links if x.activity_id in acts],
            requester=", ".join(p for p in (obj.requester_name, obj.requester_contact) if p)
            if may_see_requester() else withheld_text(),
            due=deadline.due, organisation=org.legal_name, client=client.legal_name)
    return {
        "suggested": suggestions(session, org, obj),
        "deadline": deadline, "state": rules.clock_state(deadline.due, today, obj.is_open),
        "days_left": (deadline.due - today).days, "client": client, "message": message,
        "forward_form": ForwardForm(data={"forwarded_on": today}),
        "first_month": rules.answer_deadline(obj.received_on, service.holidays_of(org)).due,
        "labels": {"status": label(STATUSES, obj.status), "channel": label(CHANNELS, obj.channel)},
    }


def suggestions(session, org, obj: DataRequest) -> list[Activity]:
    """The organisation's activities whose data subjects include the requester's category, not yet linked."""
    if not obj.requester_category:
        return []
    acts = session.scalars(select(Activity).where(Activity.organisation_id == org.id).order_by(Activity.reference)).all()
    ids = rules.suggested_activities(
        obj.requester_category, [(a.id, [d.get("code") for d in a.data_subjects or []]) for a in acts],
        {x.activity_id for x in obj.activity_links})
    return [a for a in acts if a.id in set(ids)]


ENTITY = Entity(
    area="requests",
    model=DataRequest,
    form=DataRequestForm,
    title=_l("Data-subject requests"),
    singular=_l("Data-subject request"),
    name_of=lambda r: r.reference,
    columns=[
        Column("reference", _l("Reference"), DataRequest.reference),
        Column("received_on", _l("Received on"), DataRequest.received_on, lambda r, ctx: date_text(r.received_on)),
        Column("rights", _l("Rights exercised"), None, lambda r, ctx: rights_text(r)),
        Column("client", _l("On behalf of"), DataRequest.client_id, lambda r, ctx: ctx["clients"].get(r.client_id, "")),
        Column("status", _l("Status"), DataRequest.status, lambda r, ctx: label(STATUSES, r.status)),
        Column("due", _l("Answer due"), None, _due_cell),
    ],
    search=(DataRequest.reference, DataRequest.details, DataRequest.answer_summary, DataRequest.notes),
    filters=[
        Filter("status", _l("Status"), plain_choices(STATUSES), lambda s, v: s.where(DataRequest.status == v)),
        Filter("channel", _l("Received by"), plain_choices(CHANNELS), lambda s, v: s.where(DataRequest.channel == v)),
    ],
    default_sort="received_on",
    create=service.create_request,
    update=service.update_request,
    delete=service.delete_request,
    prepare_form=prepare_form,
    form_from_record=form_from_record,
    page_context=page_context,
    detail_context=detail_context,
    flags=service.flags_for_requests,
    # The forwarding delay is a term of the client's contract: it is fixed there, not in the request.
    fixes={"client_id": lambda obj, flag: url_for("clients.detail", record_id=obj.client_id)},
)
register_crud(bp, ENTITY)


@requires(WRITE)
def forward_view(record_id: int):
    """Record that the request was forwarded to the client it concerns (Art. 28(3)(e))."""
    session = get_session()
    obj = get_or_404(DataRequest, record_id, g.org)
    form = ForwardForm()
    if form.validate_on_submit():
        on = form.forwarded_on.data or clock.today(g.org.timezone)
        if save(form, lambda data: service.forward_request(session, g.org, obj, on, actor())) is not None:
            flash(_("Forwarding to the client recorded."), "ok")
        else:
            for message in form.forwarded_on.errors or form.form_errors:
                flash(message, "bad")
    else:
        flash(_("The form expired. Try again.") if not form.forwarded_on.errors else form.forwarded_on.errors[0], "bad")
    return redirect(url_for("requests.detail", record_id=obj.id))


bp.add_url_rule("/<int:record_id>/forward", "forward", forward_view, methods=["POST"])
register_letter_routes(bp)
