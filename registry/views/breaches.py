"""Breach pages (Arts. 33-34): the list with each breach's clock, recording from a sub-processor's impact,
the detail with every notice owed and sent, and the notices, CNIL draft, letter and register as PDF."""

from io import BytesIO

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry.collation import collated
from registry.db import get_session
from registry.domain import breaches as rules
from registry.forms import as_answers, by_label
from registry.forms.breaches import (
    CHANNELS,
    CLOCK_STATES,
    PHASES,
    RECIPIENTS,
    RISKS,
    STATUSES,
    BreachForm,
    NoticeForm,
    checked_time,
    label,
)
from registry.forms.mail import MailNoticesForm
from registry.i18n import current_lang
from registry.models import Activity, Breach, BreachCreate, BreachNoticeCreate, ClientController, SubProcessor, checks
from registry.services import breach_mail
from registry.services import breaches as svc
from registry.services.crud import check_version, read_version, validate
from registry.views.breach_mail import register_breach_mail_routes
from registry.views.crud import actor, get_or_404, org_blueprint, save
from registry.views.entity import READ, WRITE, requires
from registry.views.formatting import datetime_text
from registry.views.history import record_history

bp = org_blueprint("breaches", __name__)


# --- how breaches read on screen: times in the organisation's zone, clocks, codes --------------------------


@bp.app_template_global()
def breach_time(moment) -> str:
    """A stored UTC time in the organisation's zone, with the offset."""
    return datetime_text(moment, g.org.timezone)


@bp.app_template_global()
def clock_deadline(clock: rules.Clock) -> str:
    return breach_time(clock.deadline) if clock.deadline else _("without undue delay")


@bp.app_template_global()
def clock_left(clock: rules.Clock) -> str:
    """Time left or overdue; for a notice owed without undue delay and not sent, that it is due now."""
    if clock.remaining is not None:
        return rules.format_remaining(clock.remaining, current_lang())
    return _("due now") if clock.state == "due" else ""


@bp.app_template_global()
def clock_state(clock: rules.Clock) -> str:
    return str(CLOCK_STATES[clock.state])


@bp.app_template_global()
def clock_recipient(clock: rules.Clock) -> str:
    if clock.recipient == "client":
        return clock.client_name or ""
    if clock.recipient == "cnil":  # the authority the regime in force on the day of awareness names
        return clock.regime.authority_short(current_lang()) if clock.regime else _("CNIL")
    return _("Data subjects")


@bp.app_template_global()
def breach_code(kind: str, code: str | None) -> str:
    lists = {"risk": RISKS, "phase": PHASES, "status": STATUSES}
    if kind == "risk" and not code:
        return _("Not assessed")
    return label(lists[kind], code)


@bp.app_template_global()
def notice_recipient(code: str) -> str:
    return label(RECIPIENTS, code)


@bp.app_template_global()
def notice_channel(code: str | None) -> str:
    return label(CHANNELS, code) if code else "—"


def pressing(clocks: list[rules.Clock]) -> rules.Clock | None:
    """The clock a list shows for a breach: overdue first, then the nearest deadline, sent ones last."""
    open_ = [c for c in clocks if c.state != "done"]
    if not open_:
        return clocks[-1] if clocks else None
    return min(open_, key=lambda c: (c.state != "overdue", c.deadline or c.now))


def next_notice(clocks: list[rules.Clock]) -> rules.Clock | None:
    """The notice the form proposes: the first still due by deadline (one owed without undue delay is due now);
    once all are sent, the first one owed (for a follow-up); None when the register says no notice is owed."""
    open_ = [c for c in clocks if c.state != "done"]
    if open_:
        return min(open_, key=lambda c: c.deadline or c.now)
    return clocks[0] if clocks else None


# --- forms ---------------------------------------------------------------------------------------------------


def _lang_of(code: str) -> str:
    return code.upper() if code else ""


def prepare_form(form: BreachForm, session, org, proposal: svc.ImpactProposal | None) -> None:
    """Choices of the links; what the proposal found comes first, with the way it is reached."""
    form.set_zone(org.timezone)
    acts = {a.id: a for a in proposal.activities} if proposal else {}
    clients = {c.id: c for c in proposal.clients} if proposal else {}
    subs = session.execute(
        select(SubProcessor.id, SubProcessor.legal_name, SubProcessor.trade_name)
        .where(SubProcessor.organisation_id == org.id)
    ).all()
    form.subprocessor_ids.choices = by_label((i, f"{trade} ({legal})" if trade else legal) for i, legal, trade in subs)
    rows = session.execute(
        select(Activity.id, Activity.reference, Activity.name, Activity.role)
        .where(Activity.organisation_id == org.id)
    ).all()
    roles = {"controller": _("as controller"), "processor": _("as processor")}
    choices = []
    for i, ref, name, role in rows:
        text = f"{ref} · {name} ({roles.get(role, role)})"
        if i in acts:
            text += " — " + _("via %(names)s", names=", ".join(acts[i].via))
        choices.append((i, text))
    form.activity_ids.choices = sorted(by_label(choices), key=lambda c: c[0] not in acts)
    rows = session.execute(
        select(ClientController.id, ClientController.legal_name, ClientController.breach_notice_hours,
               ClientController.language)
        .where(ClientController.organisation_id == org.id)
    ).all()
    choices = []
    for i, name, hours, lang in rows:
        delay = _("within %(n)s h", n=hours) if hours is not None else _("without undue delay")
        text = f"{name} — {delay} [{_lang_of(lang)}]"
        if i in clients:
            text += " — " + _("via %(refs)s", refs=", ".join(clients[i].via))
        choices.append((i, text))
    form.client_ids.choices = sorted(by_label(choices), key=lambda c: c[0] not in clients)


TIMES = ("occurred_at", "aware_at", "contained_at", "closed_at")


def form_from_record(breach: Breach, tz: str):
    """The breach as answers of its form: times back in the organisation's zone, the natures as one list."""
    times = {n: checked_time(getattr(breach, n), tz) for n in TIMES}
    return as_answers(
        breach, natures=breach.natures, activity_ids=[a.id for a in breach.activities],
        subprocessor_ids=[s.id for s in breach.subprocessors], client_ids=[c.id for c in breach.clients], **times,
    )


def keep_unchanged_times(form: BreachForm, breach: Breach, tz: str) -> None:
    """A time sent back as shown keeps its stored instant: in the hour repeated when the clocks go back,
    the wall-clock time alone would be read as the first occurrence and move the time by an hour."""
    for name in TIMES:
        stored = getattr(breach, name)
        if stored is not None and form[name].utc is not None and form[name].data == checked_time(stored, tz):
            form[name].utc = stored


def _ids(values: list[str]) -> list[int]:
    """The ticked ids that can be ids at all (a number beyond the columns' range matches no record)."""
    return [n for n in map(checks.record_id, values) if n is not None]


def _run(form, model, action):
    """Validate the answers and run the service through crud.save (one commit; on refusal a rollback and the
    reasons at their fields); the breach rules' refusals are shown like any other."""
    return save(form, lambda data: action(validate(model, data)))


def _breach(record_id: int) -> Breach:
    return get_or_404(Breach, record_id, g.org)


# --- pages ---------------------------------------------------------------------------------------------------


@bp.get("/", endpoint="list")
@requires(READ)
def list_view():
    rows = [(b, pressing(svc.breach_clocks(b))) for b in svc.list_breaches(get_session(), g.org.id)]
    return render_template("breaches/list.html", org=g.org, rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@requires(WRITE)
def new():
    """Step 1 picks the sub-processors involved; step 2 shows what they reach, ticked, in the full form."""
    session = get_session()
    if request.method == "GET" and "impact" not in request.args:
        subs = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == g.org.id)).scalars()
        subs = collated(subs, current_lang(), lambda s: s.trade_name or s.legal_name)  # the name each box shows first
        return render_template("breaches/pick.html", org=g.org, subprocessors=subs)
    picked = _ids(request.args.getlist("subprocessor_ids") if request.method == "GET"
                  else request.form.getlist("subprocessor_ids"))
    proposal = svc.propose_impact(session, g.org.id, picked)
    form = BreachForm(data=proposal.create_values()) if request.method == "GET" else BreachForm()
    prepare_form(form, session, g.org, proposal)
    if form.validate_on_submit():
        breach = _run(form, BreachCreate, lambda data: svc.record_breach(session, g.org, data, actor()))
        if breach is not None:
            flash(_("%(what)s created.", what=breach.reference), "ok")
            return redirect(url_for("breaches.detail", record_id=breach.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("breaches/form.html", org=g.org, form=form, obj=None, proposal=proposal), status


@bp.route("/<int:record_id>/edit", methods=["GET", "POST"])
@requires(WRITE)
def edit(record_id: int):
    session = get_session()
    breach = _breach(record_id)
    if request.method == "GET":
        form = BreachForm(obj=form_from_record(breach, g.org.timezone))
        form.version.data = str(breach.version)
    else:
        form = BreachForm()
    prepare_form(form, session, g.org, svc.propose_impact(session, g.org.id, [s.id for s in breach.subprocessors]))
    if request.method == "POST" and form.validate_on_submit():

        keep_unchanged_times(form, breach, g.org.timezone)

        def update(data):
            check_version(breach, read_version(form.version.data, required=True))
            return svc.update_breach(session, breach, data, actor())

        changes = _run(form, BreachCreate, update)
        if changes is not None:
            flash(_("Saved.") if changes else _("Nothing changed."), "ok")
            return redirect(url_for("breaches.detail", record_id=breach.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("breaches/form.html", org=g.org, form=form, obj=breach, proposal=None), status


def prepare_notice(form: NoticeForm, breach: Breach) -> None:
    form.set_zone(breach.organisation.timezone)
    form.client_id.choices = [("", "—")] + by_label((c.id, c.legal_name) for c in breach.clients)


def propose_recipient(form: NoticeForm, clocks: list[rules.Clock]) -> None:
    """A new notice form names the recipient of the next notice owed; with none owed, it names nobody."""
    owed = next_notice(clocks)
    form.recipient.data = owed.recipient if owed else ""
    form.client_id.data = owed.client_id if owed else None


def _detail(breach: Breach, notice_form: NoticeForm | None = None, status: int = 200,
            mail_form: MailNoticesForm | None = None):
    session = get_session()
    shown = BreachForm(obj=form_from_record(breach, g.org.timezone), meta={"csrf": False})
    prepare_form(shown, session, g.org, None)
    clocks = svc.breach_clocks(breach)
    if notice_form is None:
        notice_form = NoticeForm()
        prepare_notice(notice_form, breach)
        propose_recipient(notice_form, clocks)
    return render_template(
        "breaches/detail.html", org=g.org, obj=breach, clocks=clocks, shown=shown,
        notice_form=notice_form, history=record_history(session, breach, shown),
        mail_rows=breach_mail.client_mail_rows(session, breach), mail_form=mail_form or MailNoticesForm(formdata=None),
    ), status


@bp.get("/<int:record_id>")
@requires(READ)
def detail(record_id: int):
    return _detail(_breach(record_id))


@bp.post("/<int:record_id>/notices")
@requires(WRITE)
def notice(record_id: int):
    """Record a notice sent (Arts. 33-34); a late first notice needs the reasons for the delay."""
    session = get_session()
    breach = _breach(record_id)
    form = NoticeForm()
    prepare_notice(form, breach)
    if form.validate_on_submit():
        done = _run(form, BreachNoticeCreate, lambda data: svc.record_notice(session, breach, data, actor()))
        if done is not None:
            flash(_("Notice recorded."), "ok")
            return redirect(url_for("breaches.detail", record_id=breach.id) + "#notices")
    return _detail(_breach(record_id), form, 422)


# --- documents -------------------------------------------------------------------------------------------------


def _doc_lang() -> str:
    lang = request.args.get("lang", current_lang())
    return lang if lang in ("fr", "en") else "fr"


def _pdf(data: bytes, name: str):
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.get("/<int:record_id>/clients/<int:client_id>.pdf")
@requires(READ)
def client_notice_pdf(record_id: int, client_id: int):
    """Art. 33(2)-(3): the notice to one affected client controller, in the client's language."""
    from registry.pdf.breaches import client_notice_pdf as render

    breach = _breach(record_id)
    client = next((c for c in breach.clients if c.id == client_id), None)
    if client is None:
        abort(404)
    return _pdf(render(breach, client), f"breach-{breach.id}-client-{client.id}.pdf")


@bp.get("/<int:record_id>/cnil.pdf")
@requires(READ)
def cnil_pdf(record_id: int):
    from registry.pdf.breaches import cnil_draft_pdf

    lang = _doc_lang()
    return _pdf(cnil_draft_pdf(_breach(record_id), lang), f"breach-{record_id}-cnil-{lang}.pdf")


@bp.get("/<int:record_id>/subjects.pdf")
@requires(READ)
def subjects_pdf(record_id: int):
    from registry.pdf.breaches import subject_communication_pdf

    lang = _doc_lang()
    return _pdf(subject_communication_pdf(_breach(record_id), lang), f"breach-{record_id}-subjects-{lang}.pdf")


@bp.get("/register.pdf")
@requires(READ)
def register_pdf():
    """Art. 33(5): every breach of the organisation, notified or not."""
    from registry.pdf.breaches import breach_register_pdf

    lang = _doc_lang()
    return _pdf(breach_register_pdf(get_session(), g.org, lang), f"breaches-{g.org.slug}-{lang}.pdf")


register_breach_mail_routes(bp, _detail)
