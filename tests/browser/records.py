"""Records the browser walks put straight into the served database (the server fixture's SQLite file)."""

from dataclasses import dataclass

from registry import clock


@dataclass(frozen=True)
class PlannedReplacement:
    host: object
    client: object
    activity: object
    change: object


def planned_replacement(session, org, new_name: str, new_country: str) -> PlannedReplacement:
    """A client's activity hosted at a sub-processor, and the host's replacement by `new_name` (in `new_country`)
    planned with the organisation's today as its notice date. Flushed, not committed."""
    from registry.models import SubProcessorChangeCreate, SubProcessorCreate
    from registry.services import activities, changes, clients, subprocessors

    host, _ = subprocessors.create_subprocessor(session, org, {
        "legal_name": "Hébergeur Exemple SAS", "country": "FR", "status": "active", "service": "Hébergement",
        "dpa_signed_on": "2025-01-15", "locations": [{"country": "FR", "site": "Roubaix"}]}, "test")
    client, _ = clients.create_client(session, org, {"legal_name": "Client Exemple SA"}, "test")
    activity, _ = activities.create_activity(session, org, {
        "reference": "P-HOST", "name": "Hébergement des applications clients", "role": "processor",
        "status": "active", "purposes": [{"purpose": "Héberger", "legal_basis": "art6_1_b"}],
        "subprocessor_ids": [host.id], "client_ids": [client.id]}, "test")
    planned = changes.propose_subprocessor(session, org, SubProcessorCreate.model_validate({
        "legal_name": new_name, "country": new_country, "locations": [{"country": new_country}]}), "test")
    change = changes.plan_change(session, org, SubProcessorChangeCreate(
        kind="replace", subprocessor_id=planned.id, replaces_id=host.id, activity_ids=[activity.id],
        notice_date=clock.today(org.timezone), reason="Capacité"), "test")
    return PlannedReplacement(host, client, activity, change)
