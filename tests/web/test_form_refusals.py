"""A refused form says so at the top of the page, where the reloaded page opens, and at the field, in the interface
language: each form of the change and breach pages sent with a bad value, read in French and in English."""

import html
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from registry import clock
from registry.domain import breaches as rules
from registry.models import Activity, BreachCreate, ChangeNotice, ChangeObjection, SubProcessorChange
from registry.services import breaches as breach_svc
from registry.services.organisations import get_by_slug

CHANGES = "/orgs/pilotim/changes"
BREACHES = "/orgs/pilotim/breaches"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SUMMARY = re.compile(r'<div class="error-summary" id="error-summary" role="alert" tabindex="-1" autofocus>(.*?)</div>',
                     re.S)


def refused(response, action: str, field: str | None, message: str, status: int = 422) -> str:
    """Check the page after a refused form: one summary, focused, at the top, linking to the field, which says why.

    Returns the summary's text.
    """
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:2000]
    found = SUMMARY.findall(body)
    assert len(found) == 1, "one error summary, focused when the page loads"
    box = found[0]
    start = body.index('id="error-summary"')
    main = body.index("<main")
    first = min(at for at in (body.find("<section", main), body.find("<form", main), len(body)) if at != -1)
    assert start < first, "the summary comes before the page's sections and forms: where the page opens"
    if f'action="{action}"' in body:  # a cancelled change no longer shows its forms
        assert start < body.index(f'action="{action}"')
    assert message in html.unescape(box), (message, html.unescape(box))
    if field:
        assert f'<a href="#{field}">' in box, (field, box)
        assert f'id="{field}"' in body
        at_field = re.search(rf'id="{re.escape(field)}-error">(.*?)</p>', body, re.S)
        assert at_field and message in html.unescape(at_field.group(1)), field
    return html.unescape(re.sub(r"<[^>]+>", " ", box))


@pytest.fixture
def dpo(client, auth, demo):
    auth.as_role("dpo", orgs=("pilotim",))
    return client


def token(client) -> str:
    return CSRF.search(client.get("/").get_data(as_text=True)).group(1)


@pytest.fixture
def change(dpo, demo, clock):
    """A planned addition of a fictional sub-processor used by PIL-S-02, whose three clients are to be told."""
    pilotim = get_by_slug(demo, "pilotim")
    activity = demo.scalar(select(Activity.id).where(Activity.organisation_id == pilotim.id,
                                                     Activity.reference == "PIL-S-02"))
    response = dpo.post(f"{CHANGES}/new", data={
        "kind": "add", "subprocessor_id": "", "new_name": "Fournisseur Démo (fictif)", "new_country": "FR",
        "locations-0-country": "FR", "activity_ids": str(activity), "notice_date": clock.now.date().isoformat(),
        "default_objection_days": "30", "csrf_token": token(dpo)})
    assert response.status_code == 302, response.get_data(as_text=True)
    demo.expire_all()
    return demo.get(SubProcessorChange, int(response.headers["Location"].rsplit("/", 1)[1]))


def in_both_languages(client, send, check):
    """`send` the same refused form with the interface in French (the default), then in English."""
    for lang in ("fr", "en"):
        client.get(f"/lang/{lang}")
        check(lang, send())


def test_each_form_of_the_change_page_shows_its_refusal_at_the_top_and_at_the_field(dpo, demo, change, clock):
    url, today = f"{CHANGES}/{change.id}", clock.now.date()
    cid = change.notices[0].client_id
    post = lambda path, data: dpo.post(f"{url}{path}", data={**data, "csrf_token": token(dpo)})  # noqa: E731
    cases = [
        (f"/clients/{cid}/notice", {f"c{cid}-sent_on": (today - timedelta(days=1)).isoformat()},
         f"c{cid}-sent_on", 409,
         {"fr": "l'information ne peut pas être envoyée avant la date d'information",
          "en": "the notice cannot be sent before the notice date"}),
        (f"/clients/{cid}/notice", {f"c{cid}-sent_on": ""}, f"c{cid}-sent_on", 409,
         {"fr": "Indiquez la date d'envoi de l'information, ou celle de l'autorisation.",
          "en": "Give the date the notice was sent, or of the authorisation."}),
        ("/objections", {"client_id": "", "received_on": today.isoformat()}, "client_id", 422,
         {"fr": "Choisissez le client qui a formulé l'objection.", "en": "Pick the client who objected."}),
        ("/objections", {"client_id": str(cid), "received_on": ""}, "received_on", 422,
         {"fr": "Indiquez la date de réception de l'objection.", "en": "Give the date the objection was received."}),
        ("/dpo-decision", {"dpo_decision": " "}, "dpo_decision", 422,
         {"fr": "Rédigez la décision.", "en": "Write the decision."}),
        ("/effective", {"on": (today + timedelta(days=40)).isoformat()}, "on", 409,
         {"fr": "un changement prend effet le jour même, pas à l'avance",
          "en": "a change is made effective on the day it takes effect, not in advance"}),
        ("/effective", {"on": ""}, "on", 422,
         {"fr": "Indiquez la date de prise d'effet.", "en": "Give the effective date."}),
    ]
    for path, data, field, status, messages in cases:
        for lang in ("fr", "en"):
            dpo.get(f"/lang/{lang}")
            refused(post(path, data), f"{url}{path}", field, messages[lang], status)

    # A change that cannot take effect yet: what blocks it is in the same summary, in the interface language.
    def blocked(lang, response):
        box = refused(response, f"{url}/effective", None, {"fr": "Le changement ne peut pas encore prendre effet",
                                                           "en": "The change cannot take effect yet"}[lang], 409)
        assert {"fr": "l'information n'a pas été envoyée", "en": "the notice has not been sent"}[lang] in box

    in_both_languages(dpo, lambda: post("/effective", {"on": today.isoformat()}), blocked)

    # The decision on an objection, then a change that is cancelled and can no longer be changed.
    assert post("/objections", {"client_id": str(cid), "received_on": today.isoformat()}).status_code == 302
    objection = demo.scalar(select(ChangeObjection.id).where(ChangeObjection.change_id == change.id))
    in_both_languages(dpo, lambda: post("/decide", {"objection_id": str(objection), f"o{objection}-outcome": "overruled",
                                                    f"o{objection}-decision": ""}),
                      lambda lang, response: refused(response, f"{url}/decide", f"o{objection}-decision",
                                                     {"fr": "Rédigez la décision.", "en": "Write the decision."}[lang]))
    assert post("/cancel", {}).status_code == 302
    in_both_languages(dpo, lambda: post("/cancel", {}),
                      lambda lang, response: refused(response, f"{url}/cancel", None, {
                          "fr": "le changement est « Annulé » : il ne peut plus être modifié",
                          "en": "the change is “Cancelled”: it can no longer be modified"}[lang], 409))
    demo.expire_all()
    assert demo.scalar(select(ChangeNotice.sent_on).where(ChangeNotice.id == change.notices[0].id)) is None


def local(moment: datetime) -> str:
    return rules.to_local(moment, "Europe/Paris").strftime("%Y-%m-%dT%H:%M")


def test_each_form_of_the_breach_pages_shows_its_refusal_at_the_top_and_at_the_field(dpo, demo):
    pilotim = get_by_slug(demo, "pilotim")
    ovh = [s.id for s in breach_svc.find_subprocessors(demo, pilotim.id, "OVH")]
    proposal = breach_svc.propose_impact(demo, pilotim.id, ovh).create_values()
    now = clock.now().replace(second=0)
    breach = breach_svc.record_breach(demo, pilotim, BreachCreate.model_validate({
        **proposal, "reference": "2026-OVH-1", "title": "Intrusion OVH", "aware_at": now - timedelta(hours=6),
        "confidentiality": True, "risk": "high", "consequences": "Hameçonnage.", "measures_taken": "Serveur isolé."}),
        actor="test")
    demo.commit()
    url = f"{BREACHES}/{breach.id}"

    in_both_languages(dpo, lambda: dpo.post(f"{url}/notices", data={
        "csrf_token": token(dpo), "recipient": "client", "client_id": "", "sent_at": local(now), "phase": "initial"}),
        lambda lang, response: refused(response, f"{url}/notices", "client_id", {
            "fr": "Choisissez le client responsable du traitement informé.",
            "en": "Pick the client controller that was told."}[lang]))

    answers = {"reference": "2026-OVH-2", "title": "Intrusion", "aware_at": local(now - timedelta(hours=2)),
               "natures": [], "risk": "high", "phase": "initial", "status": "open",
               **{k: [str(i) for i in v] for k, v in proposal.items() if k.endswith("_ids")}}
    in_both_languages(dpo, lambda: dpo.post(f"{BREACHES}/new", data={**answers, "csrf_token": token(dpo)}),
                      lambda lang, response: refused(response, f"{BREACHES}/new", "natures", {
                          "fr": "cochez au moins une nature", "en": "tick at least one nature"}[lang]))

    edit = {**answers, "reference": "2026-OVH-1", "natures": ["confidentiality"], "status": "closed",
            "version": str(breach.version)}
    in_both_languages(dpo, lambda: dpo.post(f"{url}/edit", data={**edit, "csrf_token": token(dpo)}),
                      lambda lang, response: refused(response, f"{url}/edit", "closed_at", {
                          "fr": "indiquez la date de clôture", "en": "give the date the breach was closed"}[lang]))


def test_the_account_forms_name_their_refused_fields_in_the_interface_language(dpo):
    sent = {"current": "not the password", "new": "short", "confirm": "short"}
    for lang, label, message in (("fr", "Nouveau mot de passe", "au moins 12 caractères"),
                                 ("en", "New password", "at least 12 characters")):
        dpo.get(f"/lang/{lang}")
        response = dpo.post("/account/password", data={**sent, "csrf_token": token(dpo)})
        box = html.unescape(SUMMARY.search(response.get_data(as_text=True)).group(1))
        assert f'<a href="#new">{label}</a>' in box and message in box, box
