"""Writes of client controllers, for whom the organisation acts as processor, and their Art. 28 contract terms."""

from sqlalchemy import select
from sqlmodel import Session

from registry.models import Activity, ActivityClientLink, ClientController, ClientControllerCreate, Organisation
from registry.services.crud import Changes, create_record, delete_record, update_record


def create_client(session: Session, org: Organisation, data: dict, actor: str) -> tuple[ClientController, Changes]:
    """Record a controller the organisation processes for, with its contract's terms (Art. 30(2)(a), Art. 28(3))."""
    return create_record(session, org, ClientController, ClientControllerCreate, data, actor)


def update_client(session: Session, org: Organisation, obj: ClientController, data: dict, actor: str) -> Changes:
    """Change a client controller's record or contract terms (Art. 28(3))."""
    return update_record(session, org, obj, ClientControllerCreate, data, actor)


def delete_client(session: Session, org: Organisation, obj: ClientController, actor: str) -> Changes:
    """Delete a client no activity is carried out for (see `client_users`)."""
    return delete_record(session, org, obj, actor)


def client_users(session: Session, org: Organisation, obj: ClientController) -> dict[str, list]:
    """Activities carried out on the client's behalf (Art. 30(2)(b)): they would lose their controller."""
    activities = session.scalars(
        select(Activity)
        .join(ActivityClientLink, ActivityClientLink.activity_id == Activity.id)
        .where(Activity.organisation_id == org.id, ActivityClientLink.client_id == obj.id, Activity.status != "retired")
        .order_by(Activity.reference)
    ).all()
    return {"activities": list(activities)}
