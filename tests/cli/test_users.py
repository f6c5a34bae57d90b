"""Accounts from the shell, and the first administrator created once on an empty database."""

from sqlalchemy import select

from registry import create_app
from registry.models import ApiToken, User
from registry.services import users as accounts


def test_users_create_grant_revoke_and_set_password(runner, session, demo):
    out = runner.invoke(args=["users", "create", "new@test.example.com", "--password", "long enough pass"])
    assert out.exit_code == 0, out.output
    assert runner.invoke(args=["users", "grant", "new@test.example.com", "pilotim", "auditor"]).exit_code == 0
    user = accounts.find_user(session, "new@test.example.com")
    assert accounts.role_in(session, user, 1) in ("auditor", None)
    listing = runner.invoke(args=["users", "list"]).output
    assert "new@test.example.com  pilotim:auditor" in listing
    assert runner.invoke(args=["users", "revoke", "new@test.example.com", "pilotim"]).exit_code == 0
    assert "new@test.example.com  \n" in runner.invoke(args=["users", "list"]).output + "\n"
    assert runner.invoke(args=["users", "set-password", "new@test.example.com", "--password", "another long one"]).exit_code == 0


def test_grant_and_revoke_from_the_shell_are_audited_and_keep_an_admin(runner, session, demo):
    from registry.models import AuditEntry

    runner.invoke(args=["users", "create", "solo@test.example.com", "--password", "long enough pass"])
    assert runner.invoke(args=["users", "grant", "solo@test.example.com", "art-zone", "admin",
                               "--actor", "ops@example.com"]).exit_code == 0
    entry = session.execute(select(AuditEntry).where(AuditEntry.record_type == "membership")
                            .order_by(AuditEntry.seq.desc())).scalars().first()
    assert (entry.actor, entry.after) == ("ops@example.com", {"email": "solo@test.example.com", "role": "admin"})
    last = runner.invoke(args=["users", "revoke", "solo@test.example.com", "art-zone"])
    assert last.exit_code != 0 and "at least one admin" in last.output


def test_short_password_and_unknown_role_are_refused(runner, demo):
    short = runner.invoke(args=["users", "create", "x@test.example.com", "--password", "short"])
    assert short.exit_code != 0 and "password: use at least 12 characters" in short.output
    bad = runner.invoke(args=["users", "grant", "dpo@demo.example.com", "pilotim", "owner"])
    assert bad.exit_code != 0


def test_token_is_shown_once_and_stored_hashed(runner, session, demo):
    out = runner.invoke(args=["tokens", "create", "dpo@demo.example.com", "--name", "script"])
    clear = out.stdout.strip().splitlines()[0]
    assert clear.startswith("rgt_")
    stored = session.execute(select(ApiToken)).scalars().one()
    assert clear not in (stored.token_hash, stored.prefix + "x") and stored.token_hash != clear
    assert accounts.user_for_token(session, clear).email == "dpo@demo.example.com"


def test_first_run_creates_one_administrator_with_a_random_password(database_url, capfd):
    first = create_app({"DATABASE_URL": database_url, "TESTING": True})
    printed = capfd.readouterr().err
    assert "First administrator created: admin@example.com / " in printed
    password = printed.split("admin@example.com / ")[1].split()[0]
    second = create_app({"DATABASE_URL": database_url, "TESTING": True})
    assert "First administrator" not in capfd.readouterr().err
    from sqlmodel import Session

    with Session(second.extensions["registry.engine"]) as session:
        (admin,) = session.execute(select(User)).scalars().all()
        assert admin.is_superuser and accounts.authenticate(session, admin.email, password) is not None
    for app in (first, second):
        app.extensions["registry.engine"].dispose()
