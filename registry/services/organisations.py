"""Organisation look-ups and summaries shared by the home page, the dashboard and the CLI."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from registry.models import Activity, ClientController, Organisation, SubProcessor, Transfer, User


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


def update_organisation(session: Session, org: Organisation, data: dict, actor: str) -> dict:
    """Change the organisation's identity, DPO and contacts, printed atop its register (Art. 30(1)(a), 30(2)(a))."""
    from registry import audit
    from registry.models import OrganisationCreate
    from registry.services.crud import apply, check_version, record_update, validate

    check_version(org, data.pop("version", None))
    valid = validate(OrganisationCreate, {**data, "slug": org.slug})
    before = audit.snapshot(org)
    changes = apply(org, {k: getattr(valid, k) for k in OrganisationCreate.model_fields if k != "slug"})
    record_update(session, org, before, changes, actor, organisation_id=org.id, organisation_slug=org.slug)
    return changes


# Paths under /orgs/ that are pages, not organisations.
RESERVED_SLUGS = {"new"}


def create_organisation(session: Session, data: dict, creator: User, actor: str) -> Organisation:
    """A new organisation with an empty register; its creator becomes its admin (a superuser already is)."""
    from registry import audit
    from registry.models import OrganisationCreate
    from registry.services.crud import Invalid, validate
    from registry.services.members import set_role

    valid = validate(OrganisationCreate, data)
    if valid.slug in RESERVED_SLUGS or get_by_slug(session, valid.slug):
        raise Invalid({"slug": ["this short name is already taken: choose another"]})
    org = Organisation(**valid.model_dump())
    session.add(org)
    session.flush()
    audit.record(session, actor, "create", org, organisation_id=org.id, organisation_slug=org.slug,
                 after=audit.snapshot(org))
    if not creator.is_superuser:
        set_role(session, org, creator, "admin", actor)
    return org
