"""Security measures: the generic list/new/detail/edit/delete."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from registry.forms import vocab_choices
from registry.forms.measures import SecurityMeasureForm
from registry.models import SecurityMeasure
from registry.services import measures as service
from registry.views.crud import org_blueprint, register_crud
from registry.views.entity import ACTIVITY, Blocker, Column, Entity, Filter
from registry.views.formatting import vocab_text

bp = org_blueprint("measures", __name__)


def before_delete(session, org, obj) -> list[Blocker]:
    return [
        Blocker(f"{ACTIVITY}: {a.reference} · {a.name}", url_for("activities.detail", record_id=a.id))
        for a in service.measure_users(session, org, obj)["activities"]
    ]


ENTITY = Entity(
    area="measures",
    model=SecurityMeasure,
    form=SecurityMeasureForm,
    title=_l("Security measures"),
    singular=_l("Security measure"),
    name_of=lambda m: m.title,
    columns=[
        Column("title", _l("Measure"), SecurityMeasure.title),
        Column("heading", _l("Heading"), SecurityMeasure.heading, lambda m, ctx: vocab_text("measure_headings", m.heading)),
    ],
    search=(SecurityMeasure.title, SecurityMeasure.description),
    filters=[
        Filter("heading", _l("Heading"), vocab_choices("measure_headings", blank=False),
               lambda s, v: s.where(SecurityMeasure.heading == v)),
    ],
    default_sort="heading",
    create=service.create_measure,
    update=service.update_measure,
    delete=service.delete_measure,
    before_delete=before_delete,
    detail_context=lambda session, org, obj: service.measure_users(session, org, obj),
)
register_crud(bp, ENTITY)
