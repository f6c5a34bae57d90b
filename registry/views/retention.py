"""Retention rules: the generic list/new/detail/edit/delete."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry.domain.retention import period_text
from registry.forms import by_label, plain_choices
from registry.forms.retention import BOUNDS, END_ACTIONS, KINDS, RetentionRuleForm
from registry.i18n import current_lang
from registry.models import Activity, RetentionRule
from registry.services import retention as service
from registry.services.flags import flags_for_retention
from registry.views.crud import org_blueprint, register_crud
from registry.views.entity import Column, Entity, Filter
from registry.views.formatting import date_text, vocab_text
from registry.views.transfers import record_names

bp = org_blueprint("retention", __name__)


def duration_text(r: RetentionRule) -> str:
    """The rule in words, e.g. "At least 5 years from the end of the contract"."""
    kinds, bounds = dict(KINDS), dict(BOUNDS)
    from_, versions, until = _l("from"), _l("versions"), _l("Until")
    bound = "" if r.bound == "exact" else f"{bounds.get(r.bound, r.bound)} "
    if r.kind in ("fixed", "from_event") and r.value:
        text = f"{bound}{period_text(r.value, r.unit, current_lang())}"
        if r.kind == "from_event":
            text += f" · {from_} {vocab_text('retention_events', r.event) if r.event else '?'}"
        return text
    if r.kind == "versions" and r.value:
        return f"{bound}{r.value} {versions}"
    if r.kind == "until_date":
        return f"{until} {date_text(r.until)}"
    return str(kinds.get(r.kind, r.kind))


def prepare_form(form, session, org, obj):
    acts = session.execute(
        select(Activity.id, Activity.reference, Activity.name).where(Activity.organisation_id == org.id)
    ).all()
    form.activity_id.choices = [("", "—")] + by_label((i, f"{ref} · {name}") for i, ref, name in acts)


def _what(r, ctx) -> str:
    parts = [ctx["activities"].get(r.activity_id, "")] if r.activity_id else [str(_l("Backups"))]
    if r.data_category:
        parts.append(vocab_text("data_categories", r.data_category))
    if r.subject:
        parts.append(r.subject)
    return " · ".join(p for p in parts if p)


ENTITY = Entity(
    area="retention",
    model=RetentionRule,
    form=RetentionRuleForm,
    title=_l("Retention rules"),
    singular=_l("Retention rule"),
    name_of=lambda r: r.subject or duration_text(r),
    columns=[
        Column("what", _l("Data"), RetentionRule.subject, _what),
        Column("duration", _l("Kept"), RetentionRule.kind, lambda r, ctx: duration_text(r)),
        Column("end", _l("At the end"), RetentionRule.end_action,
               lambda r, ctx: dict(END_ACTIONS).get(r.end_action, "") if r.end_action else ""),
    ],
    search=(RetentionRule.subject, RetentionRule.event_detail, RetentionRule.legal_reference, RetentionRule.criteria),
    filters=[
        Filter("kind", _l("Kind"), plain_choices(KINDS), lambda s, v: s.where(RetentionRule.kind == v)),
    ],
    default_sort="what",
    create=service.create_rule,
    update=service.update_rule,
    delete=service.delete_rule,
    prepare_form=prepare_form,
    page_context=lambda session, org, rows: record_names(session, org, [r.activity_id for r in rows if r.activity_id], []),
    detail_context=lambda session, org, obj: {"duration": duration_text(obj), "names": record_names(
        session, org, [obj.activity_id] if obj.activity_id else [], [])},
    flags=flags_for_retention,
)
register_crud(bp, ENTITY)
