"""Demo seeding: the five organisations of the source contracts, through the same path as a JSON import."""

from sqlalchemy import select
from sqlmodel import Session

from registry.demo import ORGANISATIONS
from registry.models import Organisation
from registry.services.exchange import import_register


def seed_demo(session: Session) -> list[str]:
    """Create the demo organisations that do not exist yet (so running it twice creates nothing); flush only."""
    existing = set(session.execute(select(Organisation.slug)).scalars())
    created = []
    for doc in ORGANISATIONS:
        slug = doc["organisation"]["slug"]
        if slug not in existing:
            import_register(session, doc)
            created.append(slug)
    return created
