"""Organisation look-ups and summaries shared by the home page, the dashboard and the CLI."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from registry.models import Activity, ClientController, Organisation, SubProcessor, Transfer


@dataclass(frozen=True)
class OrganisationSummary:
    id: int
    slug: str
    legal_name: str
    acts_as: str
    activities: int
    clients: int
    subprocessors: int
    transfers: int


def _count(model):
    return (
        select(func.count())
        .select_from(model)
        .where(model.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )


def organisation_summaries(session: Session) -> list[OrganisationSummary]:
    """Every organisation with its record counts, in one query, ordered by slug."""
    rows = session.execute(
        select(
            Organisation.id,
            Organisation.slug,
            Organisation.legal_name,
            Organisation.acts_as,
            _count(Activity),
            _count(ClientController),
            _count(SubProcessor),
            _count(Transfer),
        ).order_by(Organisation.slug)
    ).all()
    return [OrganisationSummary(*row) for row in rows]


def get_by_slug(session: Session, slug: str) -> Organisation | None:
    return session.execute(select(Organisation).where(Organisation.slug == slug)).scalars().first()
