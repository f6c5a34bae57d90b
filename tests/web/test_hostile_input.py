"""Hostile input on the web is refused at its field, in the interface language, with nothing written: control
characters in any answer, list search or file name; an edit without its version or with a damaged one; ids
beyond the integer columns."""

import html
import io
import re

import pytest
from sqlalchemy import func, select

from registry.models import AuditEntry, ClientController, ContractDocument, SubProcessor
from registry.services.organisations import get_by_slug
from tests.web.conftest import TOKEN

SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


def at_field(page: str, field: str) -> str:
    found = re.search(rf'id="{re.escape(field)}-error">(.*?)</p>', page, re.S)
    assert found, f"no message at {field}"
    return html.unescape(found.group(1))


def summary(page: str) -> str:
    found = SUMMARY.search(page)
    assert found, "no error summary"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group()))


def audit_entries(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def client_record(make_client):
    return make_client(legal_name="Mairie de Lyon", notes="first line")


@pytest.fixture
def edit(forms, client_record):
    """Posts the client's edit form with its answers as the page offered them, changed by `changes`."""
    url = f"/orgs/acme/clients/{client_record.id}/edit"

    def send(changes: dict, drop: tuple = ()):
        page = forms.client.get(url).get_data(as_text=True)
        version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page).group(1)
        answers = {"legal_name": "Mairie de Lyon", "language": "fr", "subprocessor_authorisation": "none_stated",
                   "version": version, "csrf_token": TOKEN.search(page).group(1), **changes}
        return forms.client.post(url, data={k: v for k, v in answers.items() if k not in drop})

    return send


def stored(session, record) -> ClientController:
    session.expire_all()
    return session.get(ClientController, record.id)


@pytest.mark.parametrize("value, char", [("Mairie\x00 de Lyon", "U+0000"), ("Mairie \x1b[2J", "U+001B"),
                                         ("Mairie\x7f", "U+007F"), ("Mairie\u0085", "U+0085")])
def test_a_control_character_in_an_answer_is_refused_at_its_field(edit, session, client_record, value, char):
    before = audit_entries(session)
    response = edit({"legal_name": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert at_field(page, "legal_name") == f"Remove the invisible control character {char} from this answer: it cannot be stored."
    assert "\x00" not in page and "\ufffd" in page  # shown back with the character marked, never echoed
    assert stored(session, client_record).legal_name == "Mairie de Lyon" and audit_entries(session) == before


def test_tab_and_line_breaks_are_refused_on_one_line_but_kept_in_a_text_area(edit, session, client_record):
    response = edit({"legal_name": "Mairie\tde Lyon"})
    assert response.status_code == 422
    assert at_field(response.get_data(as_text=True), "legal_name") == "This answer takes one line: remove the tab or line break."
    assert edit({"notes": "line one\r\n\tline two"}).status_code == 302
    assert stored(session, client_record).notes == "line one\r\n\tline two"


def test_the_refusal_is_in_french_in_the_french_interface(edit, forms):
    forms.client.get("/lang/fr")
    page = edit({"legal_name": "Mairie\x00"}).get_data(as_text=True)
    assert at_field(page, "legal_name") == ("Retirez de cette réponse le caractère de contrôle invisible U+0000 : "
                                            "il ne peut pas être enregistré.")


@pytest.mark.parametrize("drop, version, message", [
    (("version",), None, "This form was sent without the version of the record it changes"),
    ((), "", "This form was sent without the version of the record it changes"),
    ((), "abc", "The version sent with this change is not a whole number"),
    ((), "1.5", "The version sent with this change is not a whole number"),
    ((), "99999999999999999999", "The version sent with this change is not a whole number"),
])
def test_an_edit_without_a_readable_version_is_refused_and_overwrites_nothing(edit, session, client_record, drop,
                                                                               version, message):
    before = audit_entries(session)
    changes = {"legal_name": "Someone else's name"} | ({} if version is None else {"version": version})
    response = edit(changes, drop=drop)
    assert response.status_code == 422
    assert message in summary(response.get_data(as_text=True))
    assert stored(session, client_record).legal_name == "Mairie de Lyon" and audit_entries(session) == before


def test_an_edit_with_its_version_is_still_saved(edit, session, client_record):
    assert edit({"legal_name": "Ville de Lyon"}).status_code == 302
    assert stored(session, client_record).legal_name == "Ville de Lyon"


def test_the_version_is_required_on_the_settings_too(as_role, session, org):
    admin = as_role("admin")
    page = admin.get("/orgs/acme/settings").get_data(as_text=True)
    answers = {"legal_name": "ACME renamed", "country": "FR", "acts_as": "both", "timezone": "Europe/Paris",
               "csrf_token": TOKEN.search(page).group(1)}
    response = admin.post("/orgs/acme/settings", data=answers)
    assert response.status_code == 422
    assert "without the version" in summary(response.get_data(as_text=True))
    session.expire_all()
    assert session.get(type(org), org.id).legal_name == "ACME SAS"


def test_a_control_character_in_the_list_search_is_refused_at_the_search_box(en, make_client):
    make_client(legal_name="Mairie de Lyon")
    response = en.get("/orgs/acme/clients/?q=Lyon%00")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert at_field(page, "q") == "Remove the invisible control character U+0000 from this answer: it cannot be stored."
    assert "Mairie de Lyon" in page  # the list is shown unfiltered, not a search the database cannot run
    assert en.get("/orgs/acme/clients/?q=Lyon").status_code == 200


@pytest.mark.parametrize("url", ["/orgs/acme/clients/99999999999999999999", "/orgs/acme/clients/2147483648/edit",
                                 "/orgs/acme/breaches/99999999999999999999",
                                 "/orgs/acme/changes/99999999999999999999/clients/1/notice.pdf"])
def test_an_id_beyond_the_integer_columns_is_404(en, url):
    assert en.get(url).status_code == 404


def test_oversized_ids_in_the_breach_form_are_ignored(en, org, make_subprocessor):
    sub = make_subprocessor()
    response = en.get(f"/orgs/acme/breaches/new?impact=1&subprocessor_ids={sub.id}"
                      "&subprocessor_ids=99999999999999999999&subprocessor_ids=%C2%B2")
    assert response.status_code == 200
    ticked = re.findall(r'<input checked[^>]*name="subprocessor_ids"[^>]*value="(\d+)"', response.get_data(as_text=True))
    assert ticked == [str(sub.id)]


def test_a_file_name_with_a_control_character_is_refused_at_the_file_field(sign_in, demo):
    web = sign_in("dpo@contracts.example.com", "dpo", get_by_slug(demo, "pilotim"))
    sub = demo.scalar(select(SubProcessor).order_by(SubProcessor.id))
    base = f"/orgs/pilotim/subprocessors/{sub.id}"
    token = TOKEN.search(web.get(f"{base}/contract").get_data(as_text=True)).group(1)
    response = web.post(f"{base}/contract/upload", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (io.BytesIO(b"Data processing agreement.\n"), "dpa\x00.txt")})
    assert response.status_code == 422
    assert "U+0000" in at_field(response.get_data(as_text=True), "file")
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(ContractDocument)) == 0
