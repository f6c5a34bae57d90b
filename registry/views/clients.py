"""Client controllers: the generic list/new/detail/edit/delete."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from registry.forms import country_choices
from registry.forms.clients import ClientControllerForm
from registry.models import ClientController
from registry.services import clients as service
from registry.services.flags import flags_for_clients
from registry.views.chain import chain_context
from registry.views.contracts import contract_summary, register_contract_routes
from registry.views.crud import org_blueprint, register_crud
from registry.views.entity import ACTIVITY, Blocker, Column, Entity, Filter
from registry.views.formatting import country_text, date_text

bp = org_blueprint("clients", __name__)


def before_delete(session, org, obj) -> list[Blocker]:
    return [
        Blocker(f"{ACTIVITY}: {a.reference} · {a.name}", url_for("activities.detail", record_id=a.id))
        for a in service.client_users(session, org, obj)["activities"]
    ]


def _detail(session, org, obj) -> dict:
    users = service.client_users(session, org, obj)
    roots = {s.id for a in users["activities"] for s in a.subprocessors}
    return {**users, **contract_summary(session, "clients", obj),
            **chain_context(session, org, roots, f"chain-client-{obj.id}", obj.legal_name)}


ENTITY = Entity(
    area="clients",
    model=ClientController,
    form=ClientControllerForm,
    title=_l("Client controllers"),
    singular=_l("Client controller"),
    name_of=lambda c: c.legal_name,
    columns=[
        Column("legal_name", _l("Legal name"), ClientController.legal_name),
        Column("country", _l("Country"), ClientController.country, lambda c, ctx: country_text(c.country)),
        Column("contract_reference", _l("Contract"), ClientController.contract_reference),
        Column("start", _l("Start"), ClientController.contract_start, lambda c, ctx: date_text(c.contract_start)),
        Column("end", _l("End"), ClientController.contract_end, lambda c, ctx: date_text(c.contract_end)),
    ],
    search=(ClientController.legal_name, ClientController.contract_reference, ClientController.contact_name),
    filters=[
        Filter("country", _l("Country"), country_choices(blank=False), lambda s, v: s.where(ClientController.country == v)),
    ],
    default_sort="legal_name",
    create=service.create_client,
    update=service.update_client,
    delete=service.delete_client,
    before_delete=before_delete,
    detail_context=lambda session, org, obj: _detail(session, org, obj),
    flags=flags_for_clients,
)
register_crud(bp, ENTITY)
register_contract_routes(bp, ENTITY)
