"""Sub-processors: the generic list/new/detail/edit/delete, plus retire (deleting one in use is refused)."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from registry.domain.subprocessors import chain_level, would_cycle
from registry.forms import as_answers, by_label, country_choices, plain_choices
from registry.forms.subprocessors import STATUSES, SubProcessorForm
from registry.models import ProcessingLocation, SubProcessor
from registry.services import subprocessors as service
from registry.services.flags import flags_for_subprocessors
from registry.views.chain import chain_context, top_of
from registry.views.contracts import contract_summary, register_contract_routes
from registry.views.crud import org_blueprint, register_crud
from registry.views.entity import ACTIVITY, TRANSFER, Blocker, Column, Entity, Filter
from registry.views.formatting import badge, country_text, date_text
from registry.views.reminders import register_review_routes
from registry.views.subprocessor_audit import register_audit_routes

bp = org_blueprint("subprocessors", __name__)
SUBPROCESSOR = _l("Sub-processor")


def _in_country(stmt, code):
    located = select(ProcessingLocation.subprocessor_id).where(ProcessingLocation.country == code)
    return stmt.where(or_(SubProcessor.country == code, SubProcessor.id.in_(located)))


def before_delete(session, org, obj) -> list[Blocker]:
    users = service.subprocessor_users(session, org, obj)
    return [
        Blocker(f"{ACTIVITY}: {a.reference} · {a.name}", url_for("activities.detail", record_id=a.id))
        for a in users["activities"]
    ] + [
        Blocker(f"{TRANSFER}: {t.recipient}", url_for("transfers.detail", record_id=t.id))
        for t in users["transfers"]
    ] + [
        Blocker(f"{SUBPROCESSOR}: {s.legal_name}", url_for("subprocessors.detail", record_id=s.id))
        for s in users["below"]
    ]


def _locations(sp, ctx) -> str:
    return ", ".join(dict.fromkeys(country_text(loc.country) for loc in sp.locations))


def _fix_location(obj, flag):
    """A country without a covering transfer is fixed by recording the transfer, prefilled from the flag."""
    country = dict(flag.params).get("country")
    if not country:
        return url_for("subprocessors.edit", record_id=obj.id) + "#locations"
    return url_for("transfers.new", subprocessor_id=obj.id, destination_country=country, recipient=obj.legal_name,
                   exporter_role="processor", importer_role="processor")


def prepare_form(form, session, org, obj):
    """The hops a sub-processor may hang under: any of the organisation's but itself and those below it."""
    rows = session.execute(select(SubProcessor.id, SubProcessor.legal_name, SubProcessor.parent_id)
                           .where(SubProcessor.organisation_id == org.id)).all()
    parents = {i: p for i, _n, p in rows}
    allowed = [(i, name) for i, name, _p in rows if obj is None or not would_cycle(parents, obj.id, i)]
    form.parent_id.choices = [("", "—")] + by_label(allowed)


def _detail(session, org, obj) -> dict:
    return {**service.subprocessor_users(session, org, obj), **contract_summary(session, "subprocessors", obj),
            **chain_context(session, org, {top_of(session, org, obj)}, f"chain-sp-{obj.id}", obj.legal_name)}


def _level(sp, ctx) -> str:
    return str(ctx["levels"].get(sp.id, 1))


def page_context(session, org, rows) -> dict:
    parents = dict(session.execute(select(SubProcessor.id, SubProcessor.parent_id)
                                   .where(SubProcessor.organisation_id == org.id)).all())
    return {"levels": {r.id: chain_level(parents, r.id) for r in rows}}


ENTITY = Entity(
    area="subprocessors",
    model=SubProcessor,
    form=SubProcessorForm,
    title=_l("Sub-processors"),
    singular=_l("Sub-processor"),
    name_of=lambda s: s.legal_name,
    columns=[
        Column("legal_name", _l("Legal name"), SubProcessor.legal_name),
        Column("level", _l("Level"), None, _level),
        Column("service", _l("Service"), SubProcessor.service),
        Column("country", _l("Established in"), SubProcessor.country, lambda s, ctx: country_text(s.country)),
        Column("locations", _l("Processing locations"), None, _locations),
        Column("dpa", _l("DPA signed"), SubProcessor.dpa_signed_on, lambda s, ctx: date_text(s.dpa_signed_on)),
        Column("status", _l("Status"), SubProcessor.status, lambda s, ctx: badge(s.status)),
    ],
    search=(SubProcessor.legal_name, SubProcessor.trade_name, SubProcessor.service),
    filters=[
        Filter("status", _l("Status"), plain_choices(STATUSES), lambda s, v: s.where(SubProcessor.status == v)),
        Filter("country", _l("Country"), country_choices(blank=False), _in_country),
    ],
    default_sort="legal_name",
    create=service.create_subprocessor,
    update=service.update_subprocessor,
    delete=service.delete_subprocessor,
    retire=service.retire_subprocessor,
    before_delete=before_delete,
    form_from_record=lambda obj: as_answers(obj, locations=list(obj.locations)),
    detail_context=_detail,
    prepare_form=prepare_form,
    page_context=page_context,
    flags=flags_for_subprocessors,
    fixes={"locations": _fix_location},
)
register_crud(bp, ENTITY)
register_review_routes(bp, ENTITY)
register_contract_routes(bp, ENTITY)
# The auditors' list as of a date, its comparison and exports live on the same blueprint (/subprocessors/as-of ...).
register_audit_routes(bp)
