"""The law pages: "what if" on an organisation (shipped example or a file, nothing saved), the superusers' upload of a
reference update (dry-run preview, then one click installs it), and the verdicts it changed on the dashboard."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry import clock, reference
from registry.models import AuditEntry, LawChange, Transfer, User
from registry.services import users as accounts
from registry.services.organisations import get_by_slug
from tests.cli.test_reference_cli import add_transfer, update_file
from tests.web.conftest import FormClient

WHAT_IF = "/orgs/pilotim/law/what-if"


@pytest.fixture
def dpo(sign_in, demo):
    return FormClient(sign_in("dpo@test.example.com", "dpo", get_by_slug(demo, "pilotim")))


@pytest.fixture
def superuser(client, demo):
    user = User(email="root@example.com", password_hash="not used", is_superuser=True)
    demo.add(user)
    demo.flush()
    token = accounts.open_session(demo, user)
    demo.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = token
    client.get("/lang/en")
    return FormClient(client)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_what_if_page_runs_the_shipped_dpf_example_on_pilotim_and_names_the_clients(dpo, count):
    assert 'value="2027-01-01"' in dpo.client.get(WHAT_IF).get_data(as_text=True)
    entries = count(AuditEntry)
    response = dpo.client.get(WHAT_IF, query_string={"example": "what-if-dpf-invalidated", "start": "2027-01-01"})
    assert response.status_code == 200
    text = _text(response)
    assert "The EU-US Data Privacy Framework invalidated" in text
    assert re.search(r"Transfers that lose their basis and have no fallback 0 None\.", text)
    # PILOTIM's two US transfers on SCCs keep a basis, but their impact assessment must be reviewed: Google's is
    # Google Ireland's onward transfer to Google LLC (level 2), and the clients whose data flow through it are named
    # with their language and notice terms.
    assert re.search(r"review the transfer impact assessment 2 ", text)
    assert "made by Google Ireland Limited to its sub-processor Google LLC (level 2)" in text
    assert "Demo Estates Brussels (fictional) · English" in text
    assert "Breach notice without undue delay" in text
    assert count(AuditEntry) == entries  # nothing saved


def test_what_if_page_from_a_file_lists_a_dpf_transfer_without_fallback(dpo, demo, count):
    add_transfer(demo, activity="PIL-S-02", recipient="Example Analytics Inc. (test)", destination_country="US",
                 importer_role="processor", mechanism="dpf", dpf_checked_on=date(2026, 11, 1))
    transfers, entries = count(Transfer), count(AuditEntry)
    content = json.dumps(reference.what_if_examples()["what-if-dpf-invalidated"]).encode()
    response = dpo.submit(WHAT_IF, {"file": (io.BytesIO(content), "dpf.json"), "start": "2027-02-01"})
    assert response.status_code == 200
    text = _text(response)
    lost = text[text.index("Transfers that lose their basis"):text.index("Transfers that keep their basis")]
    assert "Example Analytics Inc. (test)" in lost and "3 clients whose data flow through it" in lost
    assert "Demo Estates Brussels (fictional) · English" in lost
    assert (count(Transfer), count(AuditEntry)) == (transfers, entries)


def test_what_if_page_refuses_a_malformed_file_at_its_field(dpo):
    bad = {"title": {"en": "x", "fr": "x"}, "changes": [{"change": "end_adequacy", "destination": "ZZ"}]}
    response = dpo.submit(WHAT_IF, {"file": (io.BytesIO(json.dumps(bad).encode()), "bad.json"), "start": "2027-02-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="file-error">[^<]*no adequacy decision for &#39;ZZ&#39; to end', page)
    response = dpo.submit(WHAT_IF, {"file": (io.BytesIO(b"{not json"), "bad.json"), "start": "2027-02-01"})
    assert response.status_code == 422 and 'id="file-error">The file is not JSON' in response.get_data(as_text=True)


def test_an_auditor_reads_the_shipped_example_but_uploads_nothing(sign_in, demo):
    client = sign_in("auditor@test.example.com", "auditor", get_by_slug(demo, "pilotim"))
    page = client.get(WHAT_IF, query_string={"example": "what-if-dpf-invalidated", "start": "2027-01-01"})
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    assert client.post(WHAT_IF, data={"csrf_token": token}).status_code == 403


def _india_update(tmp_path):
    today = clock.today("Europe/Paris")
    return update_file(tmp_path, destination="IN", decision="Hypothetical decision for the test",
                       date=(today - timedelta(days=6)).isoformat(), scope="full", condition=None, valid_until=None,
                       source_url="https://example.com/decision", last_checked=today.isoformat())


def test_superuser_previews_then_installs_an_update_and_the_dpo_sees_and_marks_the_changed_verdict(
        superuser, demo, app, tmp_path, count, sign_in):
    transfer = add_transfer(demo, "OpenAI", recipient="OpenAI India (test)", destination_country="IN",
                            importer_role="processor")
    path = _india_update(tmp_path)
    response = superuser.submit("/reference/", {"file": (io.BytesIO(path.read_bytes()), "update.json")})
    assert response.status_code == 200
    text = _text(response)
    assert "What version 2 of" in text and "OpenAI India (test)" in text
    assert "No longer flagged:" in text and text.count("No verdict changes.") == 4  # the four other organisations
    assert count(LawChange) == 0 and not (app.instance_path and (tmp_path / "instance" / "reference").exists())
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    installed = superuser.submit("/reference/install", {"token": token}, form_url="/reference/")
    assert installed.status_code == 302
    assert "Version 2 installed: 1 verdicts changed" in _text(superuser.client.get("/reference/"))
    assert (tmp_path / "instance" / "reference" / "adequacy.json").is_file()
    with app.app_context():
        assert reference.law().version == 2
    row = demo.scalars(select(LawChange)).one()
    assert (row.kind, row.record_id, row.law_version) == ("transfer", transfer.id, 2)
    assert demo.scalars(select(AuditEntry).where(AuditEntry.record_type == "law_change")).one().actor == "root@example.com"
    # The same file again is older than the law now in use: refused at the field, nothing installed.
    again = superuser.submit("/reference/", {"file": (io.BytesIO(path.read_bytes()), "update.json")})
    assert again.status_code == 422
    assert re.search(r'id="file-error">[^<]*older or same as the law in use', again.get_data(as_text=True))
    # PILOTIM's DPO finds the changed verdict on the dashboard, linked to the transfer, and marks it seen.
    dpo = FormClient(sign_in("dpo@test.example.com", "dpo", get_by_slug(demo, "pilotim")))
    board = dpo.client.get("/orgs/pilotim/").get_data(as_text=True)
    assert 'id="board-law"' in board and f'href="/orgs/pilotim/transfers/{transfer.id}"' in board
    assert "Adequacy decision: none → in force" in board and "No longer flagged:" in board
    seen = dpo.submit(f"/orgs/pilotim/law/changes/{row.id}/seen", {}, form_url="/orgs/pilotim/")
    assert seen.status_code == 302
    assert 'id="board-law"' not in dpo.client.get("/orgs/pilotim/").get_data(as_text=True)
    demo.expire_all()
    assert demo.get(LawChange, row.id).seen_by == "dpo@test.example.com"
    # Through another organisation's address it is no record: 404.
    sign_in("dpo@test.example.com", "dpo", get_by_slug(demo, "apex-timing"))
    assert dpo.submit(f"/orgs/apex-timing/law/changes/{row.id}/seen", {}, form_url=WHAT_IF).status_code == 404


def test_the_reference_page_refuses_a_malformed_file_at_its_field_and_is_for_superusers_only(superuser, demo, tmp_path,
                                                                                             sign_in, client):
    path = update_file(tmp_path, destination="IN", decision="x", date="yesterday", scope="full", condition=None,
                       valid_until=None, source_url="http://example.com", last_checked="2026-12-07")
    response = superuser.submit("/reference/", {"file": (io.BytesIO(path.read_bytes()), "update.json")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="file-error">[^<]*adequacy.entries\[17\].date: &#39;yesterday&#39; is not a date', page)
    assert "Install</button>" not in page
    sign_in("dpo@test.example.com", "admin", get_by_slug(demo, "pilotim"))
    assert client.get("/reference/").status_code == 403


def test_reference_update_from_the_shell_leaves_the_changed_verdicts_on_the_dashboards(runner, demo, tmp_path):
    add_transfer(demo, "OpenAI", recipient="OpenAI India (test)", destination_country="IN", importer_role="processor")
    path = _india_update(tmp_path)
    dry = runner.invoke(args=["reference", "update", str(path), "--dry-run"])
    assert dry.exit_code == 0 and demo.scalars(select(LawChange)).all() == []
    result = runner.invoke(args=["reference", "update", str(path)])
    assert result.exit_code == 0, result.output
    assert "each verdict it changes is on its organisation's dashboard" in result.output
    rows = demo.scalars(select(LawChange)).all()
    assert [(r.kind, r.label) for r in rows] == [("transfer", "OpenAI India (test) → IN")]
    assert rows[0].detail["gone"][0]["code"] == "transfer_needs_safeguards"


def test_a_changed_verdict_about_a_record_deleted_since_says_so_instead_of_linking_to_it(runner, demo, tmp_path,
                                                                                         sign_in):
    add_transfer(demo, "OpenAI", recipient="OpenAI India (test)", destination_country="IN", importer_role="processor")
    assert runner.invoke(args=["reference", "update", str(_india_update(tmp_path))]).exit_code == 0
    row = demo.scalars(select(LawChange)).one()
    demo.delete(demo.get(Transfer, row.record_id))
    demo.commit()
    client = sign_in("dpo@test.example.com", "dpo", get_by_slug(demo, "pilotim"))
    board = client.get("/orgs/pilotim/").get_data(as_text=True)
    item = board[board.index('id="board-law"'):]
    assert "OpenAI India (test) → IN</strong> <span class=\"muted\">(deleted from the register since)" in item
    assert f'/transfers/{row.record_id}"' not in board
    client.get("/lang/fr")
    assert "(supprimé du registre depuis)" in client.get("/orgs/pilotim/").get_data(as_text=True)


def test_the_list_as_of_a_date_shows_the_chain(sign_in, demo):
    client = sign_in("auditor@test.example.com", "auditor", get_by_slug(demo, "pilotim"))
    page = client.get("/orgs/pilotim/subprocessors/as-of").get_data(as_text=True)
    assert "Level 2 · engaged by Google Ireland Limited" in page
    assert page.index("Google Ireland Limited</a>") < page.index("Google LLC</a>")


def test_an_update_the_database_refuses_leaves_the_law_and_the_dashboards_as_they_were(runner, demo, app, tmp_path,
                                                                                       monkeypatch):
    from sqlalchemy.orm import Session as OrmSession

    add_transfer(demo, "OpenAI", recipient="OpenAI India (test)", destination_country="IN", importer_role="processor")
    path = _india_update(tmp_path)

    def refuse(self):
        raise RuntimeError("the database refused the commit")

    monkeypatch.setattr(OrmSession, "commit", refuse)
    result = runner.invoke(args=["reference", "update", str(path)])
    monkeypatch.undo()
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert not (tmp_path / "instance" / "reference" / "adequacy.json").exists()  # the files were put back
    demo.expire_all()
    assert demo.scalars(select(LawChange)).all() == []
    with app.app_context():
        assert reference.law().version == 1
