"""Transfers outside the EEA: the generic list/new/detail/edit/delete."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry import reference
from registry.forms import by_label, country_choices, vocab_choices
from registry.forms.transfers import TransferForm
from registry.i18n import current_lang
from registry.models import Activity, SubProcessor, Transfer
from registry.services import transfers as service
from registry.services.flags import flags_for_transfers
from registry.views.crud import org_blueprint, register_crud
from registry.views.entity import Column, Entity, Filter
from registry.views.formatting import country_text, vocab_text

bp = org_blueprint("transfers", __name__)


def record_names(session, org, activity_ids, subprocessor_ids) -> dict:
    """Names of the activities and sub-processors a page of records points to, in two queries."""
    acts = dict(
        session.execute(
            select(Activity.id, Activity.reference + " · " + Activity.name).where(
                Activity.organisation_id == org.id, Activity.id.in_(set(activity_ids))
            )
        ).all()
    ) if activity_ids else {}
    rows = session.execute(
        select(SubProcessor.id, SubProcessor.legal_name, SubProcessor.parent_id).where(
            SubProcessor.organisation_id == org.id, SubProcessor.id.in_(set(subprocessor_ids))
        )
    ).all() if subprocessor_ids else []
    subs = {i: name for i, name, _p in rows}
    # Below the first level the hop above exports (Art. 28(4)): the list names it before the arrow.
    parents = {i: p for i, _n, p in rows if p is not None}
    above = dict(session.execute(select(SubProcessor.id, SubProcessor.legal_name).where(
        SubProcessor.organisation_id == org.id, SubProcessor.id.in_(set(parents.values())))).all()) if parents else {}
    exporters = {i: above.get(p, "") for i, p in parents.items()}
    return {"activities": acts, "subprocessors": subs, "exporters": exporters}


def page_context(session, org, rows) -> dict:
    return record_names(
        session, org, [r.activity_id for r in rows if r.activity_id], [r.subprocessor_id for r in rows if r.subprocessor_id]
    )


def prepare_form(form, session, org, obj):
    acts = session.execute(
        select(Activity.id, Activity.reference, Activity.name).where(Activity.organisation_id == org.id)
    ).all()
    subs = session.execute(select(SubProcessor.id, SubProcessor.legal_name).where(SubProcessor.organisation_id == org.id))
    form.activity_id.choices = [("", "—")] + by_label((i, f"{ref} · {name}") for i, ref, name in acts)
    form.subprocessor_id.choices = [("", "—")] + by_label((i, name) for i, name in subs)


def _source(t, ctx) -> str:
    if t.subprocessor_id:
        name = ctx["subprocessors"].get(t.subprocessor_id, "")
        exporter = ctx.get("exporters", {}).get(t.subprocessor_id)
        return f"{exporter} → {name}" if exporter else name
    return ctx["activities"].get(t.activity_id, "")


def _destination(t, ctx) -> str:
    if t.destination_country:
        return country_text(t.destination_country)
    term = reference.international_organisations().get(t.destination_organisation or "")
    return term.label(current_lang()) if term else (t.destination_organisation or "")


def _mechanism(t, ctx) -> str:
    text = vocab_text("transfer_mechanisms", t.mechanism) if t.mechanism else "—"
    module = _l("module")
    return f"{text} · {module} {t.scc_module}" if t.mechanism == "scc" and t.scc_module else text


ENTITY = Entity(
    area="transfers",
    model=Transfer,
    form=TransferForm,
    title=_l("Transfers outside the EEA"),
    singular=_l("Transfer"),
    name_of=lambda t: t.recipient,
    columns=[
        Column("recipient", _l("Recipient"), Transfer.recipient),
        Column("source", _l("From"), None, _source),
        Column("destination", _l("Destination"), Transfer.destination_country, _destination),
        Column("mechanism", _l("Safeguard"), Transfer.mechanism, _mechanism),
    ],
    search=(Transfer.recipient, Transfer.document_reference, Transfer.notes),
    filters=[
        Filter("mechanism", _l("Safeguard"), vocab_choices("transfer_mechanisms", blank=False),
               lambda s, v: s.where(Transfer.mechanism == v)),
        Filter("country", _l("Country"), country_choices(blank=False),
               lambda s, v: s.where(Transfer.destination_country == v)),
    ],
    default_sort="recipient",
    create=service.create_transfer,
    update=service.update_transfer,
    delete=service.delete_transfer,
    prepare_form=prepare_form,
    page_context=page_context,
    detail_context=lambda session, org, obj: {"names": page_context(session, org, [obj])},
    flags=flags_for_transfers,
)
register_crud(bp, ENTITY)
