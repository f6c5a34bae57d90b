"""Processing activities: the generic list/new/detail/edit/delete, plus retire."""

from zoneinfo import ZoneInfo

from flask import g, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry.forms import as_answers, by_label, plain_choices
from registry.forms.activities import ROLES, STATUSES, ActivityForm
from registry.models import Activity, ClientController, SecurityMeasure, SubProcessor
from registry.services import activities as service
from registry.services.flags import flags_for_activities
from registry.views.crud import org_blueprint, register_crud
from registry.views.entity import RULE, TRANSFER, Blocker, Column, Entity, Filter
from registry.views.formatting import badge, date_text
from registry.views.reminders import register_review_routes

bp = org_blueprint("activities", __name__)


def _choices(session, org, model, label):
    rows = session.execute(select(model.id, label).where(model.organisation_id == org.id))
    return by_label((i, text) for i, text in rows)


def prepare_form(form, session, org, obj):
    form.client_ids.choices = _choices(session, org, ClientController, ClientController.legal_name)
    form.subprocessor_ids.choices = _choices(session, org, SubProcessor, SubProcessor.legal_name)
    form.measure_ids.choices = _choices(session, org, SecurityMeasure, SecurityMeasure.title)


def form_from_record(obj: Activity):
    return as_answers(
        obj,
        client_ids=[c.id for c in obj.clients],
        subprocessor_ids=[s.id for s in obj.subprocessors],
        measure_ids=[m.id for m in obj.measures],
    )


def before_delete(session, org, obj) -> list[Blocker]:
    users = service.activity_users(session, org, obj)
    return [
        Blocker(f"{TRANSFER}: {t.recipient}", url_for("transfers.detail", record_id=t.id))
        for t in users["transfers"]
    ] + [
        Blocker(f"{RULE}: {r.subject or r.kind}", url_for("retention.detail", record_id=r.id))
        for r in users["retention"]
    ]


def _edit(anchor):
    return lambda obj, flag: url_for("activities.edit", record_id=obj.id) + "#" + anchor


def _record_transfer(obj, flag):
    params = dict(flag.params)
    return url_for("transfers.new", activity_id=obj.id, destination_country=params.get("country"),
                   recipient=params.get("recipient"))


FIXES = {
    "clients": _edit("client_ids"),
    "subprocessors": _edit("subprocessor_ids"),
    "measures": _edit("measure_ids"),
    "retention_rules": lambda obj, flag: url_for("retention.new", activity_id=obj.id),
    "transfers": _record_transfer,
}


def detail_context(session, org, obj) -> dict:
    return service.activity_users(session, org, obj)


def updated_day(a: Activity, ctx: dict) -> str:
    """The day of the last change in the organisation's time zone (an evening edit in Paris is not dated tomorrow)."""
    return date_text(a.updated_at.astimezone(ZoneInfo(g.org.timezone)).date())


ENTITY = Entity(
    area="activities",
    model=Activity,
    form=ActivityForm,
    title=_l("Processing activities"),
    singular=_l("Processing activity"),
    name_of=lambda a: f"{a.reference} · {a.name}",
    columns=[
        Column("reference", _l("Reference"), Activity.reference),
        Column("name", _l("Name"), Activity.name),
        Column("role", _l("Role"), Activity.role, lambda a, ctx: badge(a.role)),
        Column("status", _l("Status"), Activity.status, lambda a, ctx: badge(a.status)),
        Column("updated", _l("Updated"), Activity.updated_at, updated_day),
    ],
    search=(Activity.reference, Activity.name, Activity.description),
    filters=[
        Filter("status", _l("Status"), plain_choices(STATUSES), lambda s, v: s.where(Activity.status == v)),
        Filter("role", _l("Role"), plain_choices(ROLES), lambda s, v: s.where(Activity.role == v)),
    ],
    default_sort="reference",
    create=service.create_activity,
    update=service.update_activity,
    delete=service.delete_activity,
    retire=service.retire_activity,
    before_delete=before_delete,
    prepare_form=prepare_form,
    form_from_record=form_from_record,
    detail_context=detail_context,
    flags=flags_for_activities,
    fixes=FIXES,
)
register_crud(bp, ENTITY)
register_review_routes(bp, ENTITY)
