"""Error pages: in the layout and language of the interface, with what happened and a way back; JSON stays JSON."""

import html
import re

import pytest
from sqlalchemy import select

from registry.models import Organisation, SubProcessor, User
from registry.services import users as accounts
from registry.services.organisations import get_by_slug

LAYOUT = '<link rel="stylesheet" href="/static/css/app.css">'


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def links(response) -> dict[str, str]:
    """The page's links by their text."""
    found = re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', response.get_data(as_text=True))
    return {html.unescape(text): href for href, text in found}


@pytest.fixture
def auditor(client, auth, demo):
    auth.as_role("auditor", orgs=("pilotim",))
    return client


def token(client) -> str:
    """The session's CSRF token, from the logout form every page carries."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)


def foreign_subprocessor(session) -> tuple[str, int]:
    """A sub-processor of another demo organisation than PILOTIM: its organisation's slug and its id."""
    pilotim = get_by_slug(session, "pilotim")
    sp = session.scalars(select(SubProcessor).where(SubProcessor.organisation_id != pilotim.id).limit(1)).one()
    return session.get(Organisation, sp.organisation_id).slug, sp.id


def test_an_auditor_posting_to_an_edit_url_gets_a_page_that_explains_and_leads_back(auditor, demo):
    sp = demo.scalar(select(SubProcessor.id).where(SubProcessor.organisation_id == get_by_slug(demo, "pilotim").id))
    form = f"/orgs/pilotim/subprocessors/{sp}"
    response = auditor.post(f"{form}/edit", data={"legal_name": "changed", "csrf_token": token(auditor)}, headers={"Referer": f"http://localhost{form}"})
    body = page(response)
    assert response.status_code == 403 and LAYOUT in body and '<html lang="fr">' in body
    assert "Action non autorisée" in body and "auditeur (lecture seule)" in body
    assert links(response) == {"Retour au tableau de bord de PILOTIM": "/orgs/pilotim/",
                               "Retour à la page précédente": form}
    # The language links of a refused POST lead back to a page, not to a GET of the URL that only takes a POST.
    assert f'href="/lang/en?next={form}"' in response.get_data(as_text=True)

    auditor.get("/lang/en")
    response = auditor.post(f"{form}/edit", data={"legal_name": "changed", "csrf_token": token(auditor)})
    body = page(response)
    assert response.status_code == 403 and '<html lang="en">' in body and "Not allowed" in body
    assert "Your role in PILOTIM is auditor (read-only)" in body
    assert links(response) == {"Back to the dashboard of PILOTIM": "/orgs/pilotim/"}


def test_another_organisations_record_and_an_unknown_url_are_not_found_pages(auditor, demo):
    slug, foreign = foreign_subprocessor(demo)
    inside = auditor.get(f"/orgs/pilotim/subprocessors/{foreign}")
    assert inside.status_code == 404 and LAYOUT in page(inside) and "Page introuvable" in page(inside)
    assert links(inside) == {"Retour au tableau de bord de PILOTIM": "/orgs/pilotim/"}
    for url in (f"/orgs/{slug}/subprocessors/{foreign}", "/nowhere/at/all"):
        response = auditor.get(url, headers={"Referer": "http://localhost/orgs/pilotim/"})
        body = page(response)
        assert response.status_code == 404 and LAYOUT in body and "Page introuvable" in body, url
        assert slug not in body.replace(url, "")  # nothing about the organisation it was asked for
        assert links(response) == {"Retour à l'accueil": "/", "Retour à la page précédente": "/orgs/pilotim/"}, url

    auditor.get("/lang/en")
    response = auditor.get("/nowhere/at/all")
    assert response.status_code == 404 and "Page not found" in page(response) and LAYOUT in page(response)
    assert links(response) == {"Back to the home page": "/"}


def test_the_back_link_is_only_for_pages_of_this_site(auditor):
    for referrer in ("https://evil.example/orgs/pilotim/", "http://localhost//evil.example/", "http://localhost/nowhere"):
        response = auditor.get("/nowhere", headers={"Referer": referrer})
        assert "Retour à la page précédente" not in page(response), referrer
    looped = auditor.get("/nowhere", headers={"Referer": "http://localhost/nowhere"})
    assert "Retour à la page précédente" not in page(looped)


def test_a_form_sent_without_its_token_explains_that_it_expired(auditor):
    response = auditor.post("/orgs/pilotim/changes/new", data={"kind": "add"})
    assert response.status_code == 400 and LAYOUT in page(response)
    assert "Le formulaire a expiré" in page(response)


def test_a_get_on_an_address_that_only_takes_posts_is_a_page_with_the_allowed_method(auditor):
    response = auditor.get("/logout")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "Cette adresse n'accepte pas ce type de demande" in page(response) and LAYOUT in page(response)


def test_an_unexpected_failure_shows_a_page_without_the_exception(app, client, auth, demo):
    def boom():
        raise RuntimeError("secret detail of the database")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    auth.as_role("dpo", orgs=("pilotim",))
    response = client.get("/boom")
    body = page(response)
    assert response.status_code == 500 and LAYOUT in body and "Une erreur s'est produite de notre côté" in body
    assert "secret detail" not in body and "RuntimeError" not in body and "Traceback" not in body
    assert re.search(r"Référence de cette erreur : <code>[0-9a-f]{8}</code>", body)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.is_json and "secret detail" not in api.get_data(as_text=True)


def test_the_api_keeps_answering_json_errors(client, demo):
    user = demo.scalar(select(User).where(User.email == "dpo@demo.example.com"))
    _token, clear = accounts.create_token(demo, user, "test")
    demo.commit()
    bearer = {"Authorization": f"Bearer {clear}"}
    _slug, foreign = foreign_subprocessor(demo)
    for method, url, status, code in (
        ("get", "/api/v1/nowhere", 404, "not_found"),
        ("get", "/api/v1/orgs/no-such-org/activities", 404, "not_found"),
        ("get", f"/api/v1/orgs/pilotim/subprocessors/{foreign}", 404, "not_found"),
        ("delete", "/api/v1/orgs", 405, "method_not_allowed"),
        ("get", "/api/v1/orgs", 200, None),
    ):
        response = getattr(client, method)(url, headers=bearer)
        assert response.status_code == status and response.is_json, url
        if code:
            assert response.get_json()["error"] == code, url
    assert client.get("/api/v1/orgs").get_json()["error"] == "unauthenticated"
