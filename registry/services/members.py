"""Who may see and edit an organisation's register: its members and their roles, every change audited.

Roles (registry.models.users.ROLES): admin (members and settings), dpo (edits the register), auditor (reads).
An organisation keeps at least one admin member, so that someone can always manage it without a superuser.
"""

import secrets

from sqlalchemy import func, select
from sqlmodel import Session

from registry import audit
from registry.models import Membership, Organisation, User
from registry.models.users import ROLES
from registry.services import users as accounts
from registry.services.crud import Invalid


def list_members(session: Session, org: Organisation) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id).order_by(User.email)
    ).all()
    return [(user, role) for user, role in rows]


def _admins(session: Session, org: Organisation) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organisation_id == org.id, Membership.role == "admin")) or 0


def _record(session: Session, org: Organisation, user: User, actor: str, before: str | None, after: str | None):
    action = "create" if before is None else "delete" if after is None else "update"
    audit.record(
        session, actor, action, record_type="membership", record_id=user.id, organisation_id=org.id,
        organisation_slug=org.slug,
        before=None if before is None else {"email": user.email, "role": before},
        after=None if after is None else {"email": user.email, "role": after},
    )


def _keep_an_admin(session: Session, org: Organisation, current: str | None, new: str | None) -> None:
    if current == "admin" and new != "admin" and _admins(session, org) <= 1:
        raise Invalid({"role": ["the organisation needs at least one admin: make someone else admin first"]})


def set_role(session: Session, org: Organisation, user: User, role: str, actor: str) -> bool:
    """Give `user` the role in `org` (a new member or a change); False when it already had it."""
    if role not in ROLES:
        raise Invalid({"role": ["choose admin, dpo or auditor"]})
    current = session.get(Membership, (user.id, org.id))
    before = current.role if current else None
    if before == role:
        return False
    _keep_an_admin(session, org, before, role)
    accounts.grant(session, user, org, role)
    _record(session, org, user, actor, before, role)
    return True


def remove_member(session: Session, org: Organisation, user: User, actor: str) -> bool:
    """Take away `user`'s access to `org`; its login sessions stay, but the organisation's pages answer 404."""
    current = session.get(Membership, (user.id, org.id))
    if current is None:
        return False
    _keep_an_admin(session, org, current.role, None)
    role = current.role
    accounts.revoke(session, user, org)
    _record(session, org, user, actor, role, None)
    return True


def add_member(session: Session, org: Organisation, email: str, role: str, actor: str,
               name: str | None = None) -> tuple[User, str | None]:
    """Add a person by e-mail. An unknown address gets a new account with a one-time password, returned once
    so the admin can hand it over; the person changes it on the password page."""
    try:
        address = accounts.normalise_email(email)
    except accounts.AccountError:
        raise Invalid({"email": ["enter a valid e-mail address"]}) from None
    user, password = accounts.find_user(session, address), None
    if user is None:
        password = secrets.token_urlsafe(15)
        user = accounts.create_user(session, address, password, name)
        audit.record(session, actor, "create", record_type="user_account", record_id=user.id,
                     organisation_id=org.id, organisation_slug=org.slug, after={"email": user.email})
    elif session.get(Membership, (user.id, org.id)) is not None:
        raise Invalid({"email": ["this person is already a member: change the role in the list"]})
    set_role(session, org, user, role, actor)
    return user, password
