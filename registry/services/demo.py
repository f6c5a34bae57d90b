"""Demo seeding: the five organisations of the source contracts, through the same path as a JSON import."""

from sqlalchemy import select
from sqlmodel import Session

from registry.demo import ORGANISATIONS
from registry.models import Organisation
from registry.services import users as accounts
from registry.services.exchange import import_register
from registry.services.members import set_role

# Documented in the README; created by seed-demo only, which refuses to run under production settings.
DEMO_ACCOUNTS = (
    ("dpo@demo.example.com", "demo-dpo-password", "Demo DPO", "dpo"),
    ("auditor@demo.example.com", "demo-auditor-password", "Demo auditor", "auditor"),
    # Admin of the demo organisations and superuser of the demo installation: members, settings, new organisations.
    ("admin@demo.example.com", "demo-admin-password", "Demo administrator", "admin"),
)


def seed_demo(session: Session, with_accounts: bool = True) -> list[str]:
    """Create the demo organisations (and accounts) that do not exist yet: running it twice creates nothing."""
    existing = set(session.execute(select(Organisation.slug)).scalars())
    created = []
    for doc in ORGANISATIONS:
        slug = doc["organisation"]["slug"]
        if slug not in existing:
            import_register(session, doc, actor="seed-demo")
            created.append(slug)
    if with_accounts:
        orgs = session.execute(
            select(Organisation).where(Organisation.slug.in_([d["organisation"]["slug"] for d in ORGANISATIONS]))
        ).scalars().all()
        for email, password, name, role in DEMO_ACCOUNTS:
            user = accounts.find_user(session, email) or accounts.create_user(session, email, password, name)
            user.is_superuser = role == "admin"
            for org in orgs:
                if accounts.role_in(session, user, org.id) is None:
                    set_role(session, org, user, role, actor="seed-demo")  # audited, as every other role given
    return created
