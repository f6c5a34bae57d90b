"""Planned sub-processor changes (Art. 28(2)): plan one, tell each affected client (PDF notice in its language),
record objections and the DPO's decisions, and make the change effective once nothing blocks it."""

import json
from io import BytesIO

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from registry import clock
from registry.db import get_session
from registry.domain import changes as rules
from registry.domain.refusals import Message, Refused
from registry.forms import by_label, grow_rows, spare_rows
from registry.forms.changes import (
    KINDS,
    CancelForm,
    ChangeShown,
    DecideForm,
    DpoDecisionForm,
    EffectiveForm,
    NoticeForm,
    NoticeShown,
    ObjectionForm,
    ObjectionShown,
    PlanChangeForm,
    SendNoticesForm,
)
from registry.i18n import current_lang
from registry.models import (
    Activity,
    ChangeObjectionCreate,
    ClientController,
    SubProcessor,
    SubProcessorChangeCreate,
    SubProcessorCreate,
    checks,
)
from registry.services import changes as svc
from registry.services import mail
from registry.services.crud import Invalid, StaleRecord, validate
from registry.views.crud import actor, attach_errors, org_blueprint, save
from registry.views.entity import READ, WRITE, requires
from registry.views.formatting import CHANGE_STATUSES, STATUS_LABELS, date_text
from registry.views.history import Rows, record_history
from registry.views.links import notice_link_url
from registry.views.mail import STATUS_LABELS as MAIL_STATUS_LABELS

bp = org_blueprint("changes", __name__)

KIND_LABELS = dict(KINDS)
OUTCOME_LABELS = {"pending": _l("Pending"), "withdrawn": _l("Withdrawn"), "upheld": _l("Upheld"),
                  "overruled": _l("Overruled")}
BLOCKERS = {
    "notice_not_sent": _l("%(client)s: the notice has not been sent; record the date it was sent."),
    "window_open": _l("The window to object is still open: the change may take effect from %(day)s."),
    "consent_missing": _l("%(client)s: its contract requires its written authorisation; record it."),
    "objection_open": _l("%(client)s objected: record the DPO's decision on the objection."),
    "objection_upheld": _l("%(client)s's objection was upheld: record on the change how it is handled."),
}


def _change(record_id: int):
    change = svc.get_change(get_session(), g.org.id, record_id)
    if change is None:
        abort(404)
    return change


def blocker_text(b: rules.Blocker, names: dict[int, str], earliest) -> str:
    return str(BLOCKERS.get(b.code, b.code)) % {"client": names.get(b.client_id, b.client_id),
                                                 "day": date_text(earliest)}


def _names(session, change) -> dict[int, str]:
    ids = {n.client_id for n in change.notices} | {o.client_id for o in change.objections}
    rows = session.execute(select(ClientController).where(ClientController.id.in_(ids or [-1]))).scalars()
    return {c.id: c.legal_name for c in rows}


@bp.get("/", endpoint="list")
@requires(READ)
def list_view():
    session = get_session()
    changes = sorted(svc.list_changes(session, g.org.id), key=lambda c: c.id, reverse=True)
    ids = {c.subprocessor_id for c in changes} | {c.replaces_id for c in changes if c.replaces_id}
    subs = {s.id: s for s in session.execute(select(SubProcessor).where(SubProcessor.id.in_(ids or [-1]))).scalars()}
    return render_template("changes/list.html", org=g.org, changes=changes, subs=subs, kinds=KIND_LABELS,
                           statuses=CHANGE_STATUSES)


def prepare_plan_form(form: PlanChangeForm) -> None:
    session = get_session()
    subs = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == g.org.id)
                           .order_by(SubProcessor.legal_name, SubProcessor.id)).scalars().all()
    form.subprocessor_id.choices = [("", _("— a new sub-processor, named below —"))] + by_label(
        (str(s.id), f"{s.legal_name} ({STATUS_LABELS.get(s.status, s.status)})") for s in subs if s.status != "retired")
    form.replaces_id.choices = [("", "—")] + by_label((str(s.id), s.legal_name) for s in subs if s.status == "active")
    activities = session.execute(select(Activity).where(Activity.organisation_id == g.org.id)
                                 .order_by(Activity.id)).scalars().all()
    form.activity_ids.choices = by_label((a.id, f"{a.reference} · {a.name}") for a in activities)


def plan(session, org, data: dict, who: str):
    """Record a new planned sub-processor when one is named, then plan the change: one transaction."""
    kind, sp_id = data["kind"], data["subprocessor_id"]
    engages_new = kind in rules.ENGAGES_NEW
    if sp_id and data["new_name"]:
        raise Invalid({"new_name": [_("Either pick a sub-processor above or name a new one, not both.")]})
    if not sp_id and not (engages_new and data["new_name"]):
        message = _("Pick a planned sub-processor or name a new one below.") if engages_new else _(
            "Pick the sub-processor concerned.")
        raise Invalid({"subprocessor_id": [message]})
    if sp_id:
        sp = session.get(SubProcessor, int(sp_id))
        wanted = "planned" if engages_new else "active"
        if sp is None or sp.organisation_id != org.id or sp.status != wanted:
            raise Invalid({"subprocessor_id": [
                _("Adding or replacing engages a sub-processor recorded as planned; name a new one below.")
                if engages_new else _("Only an active sub-processor can be removed or moved.")]})
    else:
        new = validate(SubProcessorCreate, {"legal_name": data["new_name"], "country": data["new_country"],
                                            "service": data["new_service"], "locations": data["locations"]})
        sp = svc.propose_subprocessor(session, org, new, who)
    values = validate(SubProcessorChangeCreate, {
        "kind": kind, "subprocessor_id": sp.id,
        "replaces_id": int(data["replaces_id"]) if kind == "replace" and data["replaces_id"] else None,
        "activity_ids": data["activity_ids"] if engages_new else [],
        "new_locations": data["locations"] if kind == "change_locations" else [],
        "notice_date": data["notice_date"], "reason": data["reason"],
        "default_objection_days": 30 if data["default_objection_days"] is None else data["default_objection_days"],
    })
    return svc.plan_change(session, org, values, who)  # a refusal reaches crud.save, which shows it at the field


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE)
def new():
    session = get_session()
    form = PlanChangeForm(data=None if request.method == "POST" else {"notice_date": clock.today(g.org.timezone)})
    prepare_plan_form(form)
    if request.method == "GET":
        spare_rows(form)
    if request.method == "POST" and "add_row" in request.form:
        grow_rows(form)
    elif form.validate_on_submit():
        change = save(form, lambda data: plan(session, g.org, data, actor()))
        if change is not None:
            flash(_("Change planned: tell each client below and record the date the notice was sent."), "ok")
            return redirect(url_for("changes.detail", record_id=change.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("changes/new.html", org=g.org, form=form), status


def _detail(change, status: int = 200, posted: dict | None = None, refused: list | None = None):
    session = get_session()
    names = _names(session, change)
    clients = {c.id: c for c in svc.affected_clients(session, change)}
    is_open = change.status in ("planned", "notified")
    today = clock.today(g.org.timezone)
    blockers = svc.effect_blockers(session, change, today) if is_open else []
    earliest = change.earliest_effective
    return render_template(
        "changes/detail.html", org=g.org, change=change, names=names, kinds=KIND_LABELS, statuses=CHANGE_STATUSES,
        outcomes=OUTCOME_LABELS, sp=session.get(SubProcessor, change.subprocessor_id),
        replaced=session.get(SubProcessor, change.replaces_id) if change.replaces_id else None,
        flags=svc.change_flags(session, change), is_open=is_open,
        consent_needed={cid for cid, c in clients.items() if rules.needs_consent(change.kind, svc.client_terms(c))},
        blockers=[blocker_text(b, names, earliest) for b in blockers],
        refused=[blocker_text(b, names, earliest) for b in refused or []],
        posted=posted or {}, today=today, history=change_history(session, change, names),
        forms={"objection": _objection_form(change, posted)}, **_mail_context(session, change),
    ), status


def _mail_context(session, change) -> dict:
    """Art. 28(2) by e-mail: the clients that cannot be mailed (no notice address) and the messages sent so far."""
    from registry.pdf.notice_mail import clients_without_address

    rows = []
    for m in mail.messages_about(session, g.org, "change", change.id):
        details = json.loads(m.details) if m.details else {}
        rows.append({"message": m, "client_id": details.get("client_id"), "deadline": details.get("deadline")})
    return {"without_address": clients_without_address(session, change), "mails": rows,
            "mail_statuses": MAIL_STATUS_LABELS, "unsent": [n.client_id for n in change.notices if n.sent_on is None]}


def change_history(session, change, names: dict[int, str]) -> list:
    """The change's History in the words of its page: its state by its label, each notice and objection by its
    client and the fields of its form, every date in the one date format."""
    shown = ChangeShown(formdata=None, meta={"csrf": False})
    prepare_plan_form(shown)
    shown.status.choices = list(CHANGE_STATUSES.items())
    objection = ObjectionShown(formdata=None, meta={"csrf": False})
    objection.outcome.choices = list(OUTCOME_LABELS.items())
    hidden = frozenset({"id", "change_id", "client_id"})
    window = (_l("Window to object"), lambda days: ngettext("%(num)s day", "%(num)s days", days))
    rows = {
        "notices": Rows(NoticeShown(formdata=None, meta={"csrf": False}), key="client_id", hidden=hidden,
                        title=lambda n: _("Notice to %(client)s", client=names.get(n.get("client_id"), "—")),
                        others={"period_days": window}),
        "objections": Rows(objection, hidden=hidden,
                           title=lambda o: _("Objection of %(client)s", client=names.get(o.get("client_id"), "—"))),
    }
    return record_history(session, change, shown, rows=rows)


def _objection_form(change, posted):
    if posted and posted.get("name") == "objection":
        return posted["form"]
    form = ObjectionForm(formdata=None)
    _client_choices(form, change)
    return form


def _client_choices(form: ObjectionForm, change) -> None:
    names = _names(get_session(), change)
    form.client_id.choices = [("", "—")] + by_label((str(n.client_id), names.get(n.client_id, "")) for n in change.notices)


@bp.get("/<int:record_id>")
@requires(READ)
def detail(record_id: int):
    return _detail(_change(record_id))


def _act(change, name: str, form, run, done: str, target: int | None = None):
    """Validate one of the detail page's forms and run its service as one transaction; on refusal show the page
    again with the input kept and the reason at the field (and what blocks the change, if that is the reason)."""
    session = get_session()
    posted = {"name": name, "form": form, "target": target}
    if not form.validate_on_submit():
        return _detail(change, 422, posted)
    try:
        run(form)
    except svc.ChangeRefused as exc:
        session.rollback()
        attach_errors(form, exc.by_field(current_lang()) if not exc.blockers else {})
        return _detail(_change(change.id), 409, posted, refused=exc.blockers)
    except StaleRecord:
        session.rollback()
        form.form_errors.append(_("Someone saved this change after you opened it. Reload it and redo your change."))
        return _detail(_change(change.id), 409, posted)
    session.commit()
    flash(done, "ok")
    return redirect(url_for("changes.detail", record_id=change.id))


@bp.post("/<int:record_id>/clients/<int:client_id>/notice")
@requires(WRITE)
def notice(record_id: int, client_id: int):
    change = _change(record_id)
    if all(n.client_id != client_id for n in change.notices):
        abort(404)
    form = NoticeForm(prefix=f"c{client_id}")
    form.form_errors = []

    def run(f):
        if not f.sent_on.data and not f.consent_on.data and not f.acknowledged_on.data:
            raise svc.ChangeRefused(Message("Give the date the notice was sent, or of the authorisation."), "sent_on")
        if f.sent_on.data:
            svc.record_notice_sent(get_session(), change, client_id, f.sent_on.data, actor())
        if f.consent_on.data:
            svc.record_consent(get_session(), change, client_id, f.consent_on.data, actor())
        if f.acknowledged_on.data:  # the same call as a client's acknowledgement through its link
            svc.record_acknowledgement(get_session(), change, client_id, f.acknowledged_on.data, actor())

    return _act(change, "notice", form, run, _("Notice recorded."), client_id)


@bp.post("/<int:record_id>/send")
@requires(WRITE)
def send_notices(record_id: int):
    """Art. 28(2): mail every affected client not yet told, each in its language with its PDF, deadline and link."""
    from registry.pdf.notice_mail import send_change_notices

    session = get_session()
    change = _change(record_id)
    form = SendNoticesForm()
    form.form_errors = []
    posted = {"name": "send", "form": form}
    if not form.validate_on_submit():
        return _detail(change, 422, posted)
    try:
        sent = send_change_notices(session, change, actor(), notice_link_url,
                                   current_app.config["REGISTRY_NOTICE_LINK_GRACE_DAYS"])
    except Refused as exc:
        session.rollback()
        attach_errors(form, exc.by_field(current_lang()))
        return _detail(_change(change.id), 409, posted)
    session.commit()
    names = _names(session, change)
    if sent.mailed:
        flash(ngettext("%(num)s notice sent by e-mail: %(clients)s.", "%(num)s notices sent by e-mail: %(clients)s.",
                       len(sent.mailed), clients=", ".join(names.get(cid, str(cid)) for cid, _to in sent.mailed)), "ok")
    if sent.without_address:
        flash(_("Not sent, no notice address: %(clients)s. Add the DPO's or contact e-mail on the client record, or "
                "send the PDF by hand and record the date.",
                clients=", ".join(names.get(cid, str(cid)) for cid in sent.without_address)), "bad")
    return redirect(url_for("changes.detail", record_id=change.id))


@bp.post("/<int:record_id>/objections")
@requires(WRITE)
def objection(record_id: int):
    change = _change(record_id)
    form = ObjectionForm()
    form.form_errors = []
    _client_choices(form, change)

    def run(f):
        data = ChangeObjectionCreate(client_id=int(f.client_id.data), received_on=f.received_on.data,
                                     grounds=(f.grounds.data or "").strip() or None)
        svc.record_objection(get_session(), change, data, actor())

    return _act(change, "objection", form, run, _("Objection recorded: the change stays blocked until the DPO decides."))


@bp.post("/<int:record_id>/decide")
@requires(WRITE)
def decide(record_id: int):
    change = _change(record_id)
    target = checks.record_id(request.form.get("objection_id", ""))
    form = DecideForm(prefix=f"o{target}")
    form.form_errors = []

    def run(f):
        if target is None:
            raise svc.ChangeRefused(Message("No such objection on this change."), "objection_id")
        svc.decide_objection(get_session(), change, target, f.outcome.data, f.decision.data.strip(), actor(),
                             clock.today(g.org.timezone))

    return _act(change, "decide", form, run, _("Decision recorded."), target)


@bp.post("/<int:record_id>/dpo-decision")
@requires(WRITE)
def dpo_decision(record_id: int):
    change = _change(record_id)
    form = DpoDecisionForm()
    form.form_errors = []
    return _act(change, "dpo", form,
                lambda f: svc.record_dpo_decision(get_session(), change, f.dpo_decision.data, actor()),
                _("Decision recorded."))


@bp.post("/<int:record_id>/effective")
@requires(WRITE)
def effective(record_id: int):
    change = _change(record_id)
    form = EffectiveForm()
    form.form_errors = []
    return _act(change, "effective", form, lambda f: svc.make_effective(get_session(), change, actor(), f.on.data),
                _("The change is in effect: the register and the sub-processor list now show it."))


@bp.post("/<int:record_id>/cancel")
@requires(WRITE)
def cancel(record_id: int):
    change = _change(record_id)
    form = CancelForm()
    form.form_errors = []
    return _act(change, "cancel", form, lambda f: svc.cancel_change(get_session(), change, actor()),
                _("Change cancelled."))


@bp.get("/<int:record_id>/clients/<int:client_id>/notice.pdf")
@requires(READ)
def notice_pdf(record_id: int, client_id: int):
    from registry.pdf.changes import notice_pdf as render

    change = _change(record_id)
    if all(n.client_id != client_id for n in change.notices):
        abort(404)
    pdf = render(get_session(), change, client_id)
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"notice-{g.org.slug}-{change.id}-{client_id}.pdf")
