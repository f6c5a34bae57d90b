"""A register kept on SQLite moves to PostgreSQL (export-json, import-json) after hostile input: SQLite stores a NUL
that PostgreSQL refuses, so every way in (web form, API, import) refuses it at the field instead."""

import json

import pytest
from sqlalchemy import func, select

from registry.models import ClientController, Organisation
from registry.services import users as accounts
from registry.services.organisations import get_by_slug
from tests.ops.conftest import PG_ADMIN_URL
from tests.web.conftest import TOKEN


# The move starts from SQLite (the same refusals on PostgreSQL are tested in tests/web and tests/api).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_nul_cannot_enter_a_sqlite_register_so_it_moves_to_postgresql(database_url, demo, app, client, runner,
                                                                        tmp_path, pg_server, pg_templates, make_app):
    pilotim = get_by_slug(demo, "pilotim")
    user = accounts.create_user(demo, "dpo@move.example.com", "correct horse battery")
    accounts.grant(demo, user, pilotim, "dpo")
    with client.session_transaction() as cookie:
        cookie["_user_id"] = accounts.open_session(demo, user)
    demo.commit()
    web = client
    page = web.get("/orgs/pilotim/clients/new").get_data(as_text=True)
    form = web.post("/orgs/pilotim/clients/new", data={
        "legal_name": "Client\x00 fictif", "language": "fr", "subprocessor_authorisation": "none_stated",
        "csrf_token": TOKEN.search(page).group(1)})
    assert form.status_code == 422
    _token, clear = accounts.create_token(demo, user, "move")
    demo.commit()
    api = client.post("/api/v1/orgs/pilotim/clients", headers={"Authorization": f"Bearer {clear}"},
                      json={"legal_name": "Client\x00 fictif"})
    assert api.status_code == 422 and "legal_name" in api.get_json()["errors"]
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(ClientController).where(
        ClientController.legal_name.like("Client%fictif"))) == 0

    exported = tmp_path / "pilotim.json"
    assert runner.invoke(args=["export-json", "--org", "pilotim", "-o", str(exported)]).exit_code == 0
    assert "\\u0000" not in exported.read_text("utf-8")
    name = pg_server.take(pg_templates["migrated"].rsplit("/", 1)[1])
    target = make_app(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    result = target.test_cli_runner().invoke(args=["import-json", str(exported)])
    assert result.exit_code == 0, result.output
    with target.app_context():
        from registry.db import get_session

        assert get_session().scalar(select(Organisation.legal_name).where(Organisation.slug == "pilotim")) == pilotim.legal_name

    poisoned = json.loads(exported.read_text("utf-8"))
    poisoned["organisation"]["slug"] = "pilotim-copy"
    poisoned["clients"][0]["notes"] = "held a NUL on SQLite\x00"
    exported.write_text(json.dumps(poisoned), encoding="utf-8")
    result = target.test_cli_runner().invoke(args=["import-json", str(exported)])
    assert result.exit_code == 1 and ".notes: contains the character U+0000" in result.output
    target.extensions["registry.engine"].dispose()
    pg_server.give_back(name)
