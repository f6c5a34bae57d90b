"""Breach pages: list with clocks, impact of an OVH incident before recording, the form's refusals, notices, PDFs."""

import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from registry import clock as app_clock
from registry.domain import breaches as rules
from registry.models import Activity, AuditEntry, Breach, BreachCreate, BreachNotice, ClientController
from registry.services import breaches as svc
from registry.services.organisations import get_by_slug

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BASE = "/orgs/pilotim/breaches"


def local(moment: datetime) -> str:
    """How a person types a time in the form: wall-clock time in the organisation's zone (Europe/Paris)."""
    return rules.to_local(moment, "Europe/Paris").strftime("%Y-%m-%dT%H:%M")


def now() -> datetime:
    return app_clock.now().replace(second=0)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(response, name: str) -> str:
    found = re.search(rf'id="{name}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    return html.unescape(found.group(1)) if found else ""


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def rows(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def pilotim(demo):
    return get_by_slug(demo, "pilotim")


@pytest.fixture
def dpo(sign_in, pilotim):
    return sign_in("dpo@breach.example.com", "dpo", pilotim)


@pytest.fixture
def ovh(demo, pilotim):
    return [s.id for s in svc.find_subprocessors(demo, pilotim.id, "OVH")]


def impact_url(sub_ids) -> str:
    return f"{BASE}/new?impact=1&" + "&".join(f"subprocessor_ids={i}" for i in sub_ids)


def valid(demo, pilotim, ovh, **overrides) -> dict:
    proposal = svc.propose_impact(demo, pilotim.id, ovh).create_values()
    data = {
        "reference": "2026-OVH-1", "title": "Intrusion sur un serveur OVH",
        "facts": "Accès non autorisé détecté par l'hébergeur.",
        "occurred_at": local(now() - timedelta(hours=30)), "aware_at": local(now() - timedelta(hours=6)),
        "contained_at": "", "natures": ["confidentiality", "availability"],
        "subprocessor_ids": proposal["subprocessor_ids"], "activity_ids": proposal["activity_ids"],
        "client_ids": proposal["client_ids"], "data_categories": ["identity"], "data_subjects": ["customers"],
        "subjects_approx": "850", "records_approx": "4200", "consequences": "Hameçonnage ciblé possible.",
        "measures_taken": "Serveur isolé.", "measures_proposed": "Chiffrement des sauvegardes.", "risk": "high",
        "risk_reasoning": "", "art34_exemption": "", "art34_exemption_details": "", "phase": "initial",
        "status": "open", "closed_at": "", "closure_note": "", "notes": "",
    }
    data.update(overrides)
    return data


def post_new(client, data: dict, sub_ids):
    token = TOKEN.search(client.get(impact_url(sub_ids)).get_data(as_text=True)).group(1)
    return client.post(f"{BASE}/new", data={**data, "csrf_token": token})


def record(demo, pilotim, ovh, **overrides):
    """A breach recorded through the service, as the page would, at the demo's organisation."""
    values = {**svc.propose_impact(demo, pilotim.id, ovh).create_values(), "reference": "2026-OVH-1",
              "title": "Intrusion OVH", "aware_at": now() - timedelta(hours=6), "confidentiality": True,
              "risk": "high", "consequences": "Hameçonnage.", "measures_taken": "Serveur isolé."}
    values.update(overrides)
    breach = svc.record_breach(demo, pilotim, BreachCreate.model_validate(values), actor="test")
    demo.commit()
    return breach


def test_impact_of_an_ovh_incident_at_pilotim_is_shown_and_ticked_before_recording(dpo, demo, pilotim, ovh):
    pick = dpo.get(f"{BASE}/new")
    assert pick.status_code == 200 and "OVH" in text(pick)
    page = dpo.get(impact_url(ovh))
    assert page.status_code == 200
    body = text(page)
    shown = body[body.index('id="impact-activities"'):body.index('id="impact-clients"')]
    assert "PIL-S-01" in shown and "PIL-R-01" not in shown
    clients = body[body.index('id="impact-clients"'):]
    clients = clients[:clients.index("</ul>")]
    for name in ("Agence Démo du Beffroi (fictive)", "Demo Estates Brussels (fictional)",
                 "Immobilière Démo des Flandres (fictive)"):
        assert name in clients
    assert "[EN]" in clients and "without undue delay" in clients
    ticked = set(re.findall(r'<input checked[^>]*name="(\w+)"[^>]*value="(\d+)"', page.get_data(as_text=True)))
    s01 = demo.scalar(select(Activity.id).where(Activity.organisation_id == pilotim.id, Activity.reference == "PIL-S-01"))
    proposal = svc.propose_impact(demo, pilotim.id, ovh)
    assert {("activity_ids", str(s01))} | {("client_ids", str(c.id)) for c in proposal.clients} <= ticked
    assert {("subprocessor_ids", str(i)) for i in ovh} <= ticked
    assert not any(name == "activity_ids" and value != str(s01) for name, value in ticked)


def test_a_valid_breach_is_recorded_with_the_adjusted_links_and_audited(dpo, demo, pilotim, ovh):
    own = demo.scalar(select(Activity.id).where(Activity.organisation_id == pilotim.id, Activity.reference == "PIL-R-01"))
    data = valid(demo, pilotim, ovh)
    data["activity_ids"] = data["activity_ids"] + [own]  # the DPO adds its own prospect file
    data["client_ids"] = data["client_ids"][:2]  # and unticks one client
    audits = rows(demo, AuditEntry)
    response = post_new(dpo, data, ovh)
    assert response.status_code == 302, field_error(response, "aware_at") or text(response)[-2000:]
    breach = demo.scalar(select(Breach).where(Breach.organisation_id == pilotim.id))
    assert breach.reference == "2026-OVH-1" and breach.risk == "high" and breach.natures == ["confidentiality", "availability"]
    assert own in [a.id for a in breach.activities] and len(breach.clients) == 2
    typed = datetime.strptime(data["aware_at"], "%Y-%m-%dT%H:%M")
    assert breach.aware_at == rules.from_local(typed, "Europe/Paris")  # read in Paris time, stored in UTC
    assert rows(demo, AuditEntry) == audits + 1
    detail = dpo.get(response.headers["Location"])
    body = text(detail)
    assert detail.status_code == 200 and "CNIL" in body and "(Europe/Paris, UTC+" in body
    assert re.search(r"2 d 1[78] h", body)  # about 66 hours left of the CNIL's 72
    assert "Data subjects" in body and "Art. 34(1)" in body


INVALID = [
    ("unlikely_without_reasoning", {"risk": "unlikely", "risk_reasoning": ""}, "risk_reasoning",
     "explain why the breach is unlikely to result in a risk"),
    ("no_nature", {"natures": []}, "natures", "tick at least one nature"),
    ("no_awareness", {"aware_at": ""}, "aware_at", "Give the date and time."),
    ("aware_in_future", {"aware_at": local(now() + timedelta(days=2))}, "aware_at", "cannot become aware of a breach in the future"),
    ("occurred_after_aware", {"occurred_at": local(now() - timedelta(hours=1))}, "occurred_at", "after the organisation became aware"),
    ("not_a_time", {"contained_at": "yesterday"}, "contained_at", "YYYY-MM-DD HH:MM"),
    ("skipped_hour", {"occurred_at": "2026-03-29T02:30"}, "occurred_at", "does not exist in the organisation's time zone"),
    ("exemption_without_high_risk", {"risk": "risk", "art34_exemption": "art34_3_a", "art34_exemption_details": "Chiffré"},
     "art34_exemption", "only applies to a high-risk breach"),
    ("exemption_without_details", {"art34_exemption": "art34_3_a"}, "art34_exemption_details", "describe what makes the exemption apply"),
    ("closed_without_date", {"status": "closed"}, "closed_at", "give the date the breach was closed"),
    ("negative_count", {"subjects_approx": "-3"}, "subjects_approx", "Enter a whole number, 0 or more."),
    ("no_reference", {"reference": ""}, "reference", "Give the breach a short reference."),
]


@pytest.mark.parametrize("overrides, name, message", [case[1:] for case in INVALID], ids=[c[0] for c in INVALID])
def test_each_invalid_answer_is_refused_at_its_field_with_the_input_kept(dpo, demo, pilotim, ovh, overrides, name, message):
    audits, breaches = rows(demo, AuditEntry), rows(demo, Breach)
    response = post_new(dpo, valid(demo, pilotim, ovh, **overrides), ovh)
    assert response.status_code == 422
    assert message in field_error(response, name)
    assert 'value="Intrusion sur un serveur OVH"' in response.get_data(as_text=True)  # the answers stay
    assert "PIL-S-01" in text(response)  # and so does the proposed impact
    assert rows(demo, Breach) == breaches and rows(demo, AuditEntry) == audits


def test_a_reference_already_used_is_refused(dpo, demo, pilotim, ovh):
    record(demo, pilotim, ovh)
    response = post_new(dpo, valid(demo, pilotim, ovh), ovh)
    assert response.status_code == 422 and "already used" in field_error(response, "reference")
    assert rows(demo, Breach) == 1


def test_a_post_without_csrf_token_writes_nothing(dpo, demo, pilotim, ovh):
    audits = rows(demo, AuditEntry)
    response = dpo.post(f"{BASE}/new", data=valid(demo, pilotim, ovh))
    assert response.status_code == 400
    assert rows(demo, Breach) == 0 and rows(demo, AuditEntry) == audits


def test_an_auditor_reads_breaches_but_cannot_record_edit_or_send(sign_in, demo, pilotim, ovh):
    breach = record(demo, pilotim, ovh)
    auditor = sign_in("auditor@breach.example.com", "auditor", pilotim)
    assert auditor.get(f"{BASE}/").status_code == 200
    page = auditor.get(f"{BASE}/{breach.id}")
    assert page.status_code == 200 and "Record a notice sent" not in text(page) and ">Edit<" not in text(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    audits = rows(demo, AuditEntry)
    assert auditor.get(f"{BASE}/new").status_code == 403
    assert auditor.post(f"{BASE}/new", data={**valid(demo, pilotim, ovh, reference="X"), "csrf_token": token}).status_code == 403
    assert auditor.post(f"{BASE}/{breach.id}/edit", data={"csrf_token": token, "title": "changed"}).status_code == 403
    notice = {"csrf_token": token, "recipient": "cnil", "sent_at": local(now())}
    assert auditor.post(f"{BASE}/{breach.id}/notices", data=notice).status_code == 403
    assert rows(demo, AuditEntry) == audits and rows(demo, BreachNotice) == 0


def test_list_shows_status_risk_phase_and_clock_and_the_dashboard_the_urgent_one(dpo, demo, pilotim, ovh):
    own = demo.scalar(select(Activity.id).where(Activity.organisation_id == pilotim.id, Activity.reference == "PIL-R-01"))
    record(demo, pilotim, ovh, activity_ids=[own], client_ids=[], aware_at=now() - timedelta(hours=80))
    record(demo, pilotim, [], reference="2026-LAPTOP", title="Ordinateur perdu", activity_ids=[own], client_ids=[],
           subprocessor_ids=[], risk="unlikely", risk_reasoning="Disque chiffré", aware_at=now() - timedelta(hours=2))
    listing = text(dpo.get(f"{BASE}/"))
    assert "2026-OVH-1" in listing and "2026-LAPTOP" in listing
    assert "High risk" in listing and "Unlikely to result in a risk" in listing and "Initial" in listing
    assert "overdue by 8 h" in listing and "Overdue" in listing
    assert "No notice owed" in listing  # unlikely to result in a risk: no CNIL clock
    board = text(dpo.get("/orgs/pilotim/"))
    assert "Deadlines, soonest first" in board
    urgent = board[board.index("board-deadlines"):board.index('<div class="board">')]
    assert "2026-OVH-1" in urgent and "2026-LAPTOP" not in urgent  # unlikely to result in a risk: nothing owed


def test_edit_records_a_follow_up_phase_and_refuses_a_stale_version(dpo, demo, pilotim, ovh):
    breach = record(demo, pilotim, ovh)
    form = dpo.get(f"{BASE}/{breach.id}/edit")
    body = form.get_data(as_text=True)
    token = TOKEN.search(body).group(1)
    assert f'value="{local(breach.aware_at)}"' in body  # shown in the organisation's zone
    data = valid(demo, pilotim, ovh, phase="follow_up", aware_at=local(breach.aware_at), title="Intrusion OVH",
                 risk_reasoning="Clients exposés au hameçonnage", csrf_token=token, version=str(breach.version))
    saved = dpo.post(f"{BASE}/{breach.id}/edit", data=data)
    assert saved.status_code == 302
    demo.expire_all()
    assert demo.get(Breach, breach.id).phase == "follow_up"
    stale = dpo.post(f"{BASE}/{breach.id}/edit", data={**data, "phase": "final"})
    assert stale.status_code == 422 and "Someone saved this record after you opened it" in text(stale)
    demo.expire_all()
    assert demo.get(Breach, breach.id).phase == "follow_up"


def test_a_late_notice_needs_its_reasons_and_is_then_recorded(dpo, demo, pilotim, ovh):
    own = demo.scalar(select(Activity.id).where(Activity.organisation_id == pilotim.id, Activity.reference == "PIL-R-01"))
    breach = record(demo, pilotim, ovh, activity_ids=[own], client_ids=[], aware_at=now() - timedelta(hours=80))
    url = f"{BASE}/{breach.id}"
    token = TOKEN.search(dpo.get(url).get_data(as_text=True)).group(1)
    notice = {"csrf_token": token, "recipient": "cnil", "client_id": "", "channel": "teleservice",
              "sent_at": local(now() - timedelta(hours=1)), "phase": "initial", "reference": "CNIL-123",
              "late_reason": ""}
    late = dpo.post(f"{url}/notices", data=notice)
    assert late.status_code == 422
    assert "sent after its deadline: give the reasons for the delay" in field_error(late, "late_reason")
    assert rows(demo, BreachNotice) == 0
    audits = rows(demo, AuditEntry)
    done = dpo.post(f"{url}/notices", data={**notice, "late_reason": "Constat réalisé un week-end, hébergeur injoignable."})
    assert done.status_code == 302
    assert rows(demo, BreachNotice) == 1 and rows(demo, AuditEntry) == audits + 1
    body = text(dpo.get(url))
    assert "CNIL-123" in body and "hébergeur injoignable" in body and ">late<" in body


def test_a_client_notice_must_name_the_client(dpo, demo, pilotim, ovh):
    breach = record(demo, pilotim, ovh)
    url = f"{BASE}/{breach.id}"
    token = TOKEN.search(dpo.get(url).get_data(as_text=True)).group(1)
    response = dpo.post(f"{url}/notices", data={"csrf_token": token, "recipient": "client", "client_id": "",
                                                "sent_at": local(now()), "phase": "initial"})
    assert response.status_code == 422 and "Pick the client controller that was told." in field_error(response, "client_id")
    client_id = breach.clients[0].id
    ok = dpo.post(f"{url}/notices", data={"csrf_token": token, "recipient": "client", "client_id": str(client_id),
                                          "sent_at": local(now()), "phase": "initial", "channel": "email"})
    assert ok.status_code == 302
    notice = demo.scalar(select(BreachNotice))
    assert notice.client_id == client_id and notice.recipient_name == breach.clients[0].legal_name


def test_breach_documents_download_as_pdf(sign_in, demo, pilotim, ovh):
    breach = record(demo, pilotim, ovh, subjects_approx=850)
    auditor = sign_in("auditor@breach.example.com", "auditor", pilotim)
    brussels = next(c for c in breach.clients if c.language == "en")
    notice = auditor.get(f"{BASE}/{breach.id}/clients/{brussels.id}.pdf")
    assert notice.status_code == 200 and notice.mimetype == "application/pdf"
    body = pdf_text(notice.data)
    for item in ("(a) Nature of the breach", "(b) Data protection officer", "(c) Likely consequences",
                 "(d) Measures taken or proposed"):
        assert item in body
    assert "approximately 850" in body and "Demo Estates Brussels" in body
    for url, expected in ((f"{BASE}/{breach.id}/cnil.pdf?lang=fr", "Projet de notification à la CNIL"),
                          (f"{BASE}/{breach.id}/subjects.pdf?lang=en", "Communication to data subjects"),
                          (f"{BASE}/register.pdf?lang=fr", "Registre des violations")):
        response = auditor.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", url
        assert expected in pdf_text(response.data), url
    other = get_by_slug(demo, "apex-timing")
    assert auditor.get(f"/orgs/{other.slug}/breaches/register.pdf").status_code == 404
    not_affected = demo.scalar(select(ClientController.id).where(ClientController.organisation_id == other.id))
    assert auditor.get(f"{BASE}/{breach.id}/clients/{not_affected}.pdf").status_code == 404


def test_in_french_the_pages_and_the_rules_speak_french(dpo, demo, pilotim, ovh):
    dpo.get("/lang/fr")
    assert "Violations de données à caractère personnel" in text(dpo.get(f"{BASE}/"))
    response = post_new(dpo, valid(demo, pilotim, ovh, risk="unlikely"), ovh)
    assert response.status_code == 422
    assert "expliquez pourquoi la violation n'est pas susceptible d'engendrer un risque" in field_error(response, "risk_reasoning")
    assert "Impact proposé" in text(response) and "dans les meilleurs délais" in text(response)


def test_ovh_incident_at_defi_informatique_proposes_both_hosting_activities_and_the_town_hall(sign_in, demo):
    defi = get_by_slug(demo, "defi-informatique")
    client = sign_in("dpo@breach.example.com", "dpo", defi)
    ovh = [s.id for s in svc.find_subprocessors(demo, defi.id, "OVH")]
    body = text(client.get("/orgs/defi-informatique/breaches/new?impact=1&"
                           + "&".join(f"subprocessor_ids={i}" for i in ovh)))
    activities = body[body.index('id="impact-activities"'):body.index('id="impact-clients"')]
    assert "DEF-S-01" in activities and "DEF-S-02" in activities
    clients = body[body.index('id="impact-clients"'):]
    assert "Mairie Démo de Ménilmontant (fictive)" in clients[:clients.index("</ul>")]


def test_detail_shows_each_clients_contractual_delay_and_its_deadline_in_paris_time(dpo, demo, pilotim, ovh,
                                                                                      clock):
    aware = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 in Paris, the night the clocks go back
    clock.travel(aware + timedelta(days=2))  # whatever instant the run is set to: the clients' 24 h have passed
    breach = record(demo, pilotim, ovh, aware_at=aware)
    beffroi = next(c for c in breach.clients if "Beffroi" in c.legal_name)
    beffroi.breach_notice_hours = 24
    demo.commit()
    body = text(dpo.get(f"{BASE}/{breach.id}"))
    row = body[body.index("Agence Démo du Beffroi"):]
    row = row[:row.index("</tr>")]
    # 24 elapsed hours: 23:30 the next day in Paris, the clocks having gone back one hour meanwhile.
    assert "contract: 24 h" in row and "October 25, 2026, 23:30 (Europe/Paris, UTC+01:00)" in row and "Overdue" in row
    brussels = body[body.index("Demo Estates Brussels"):]
    brussels = brussels[:brussels.index("</tr>")]
    assert "no delay in the contract" in brussels and "without undue delay" in brussels and "due now" in brussels


def test_a_time_in_the_repeated_hour_survives_an_edit_that_does_not_touch_it(dpo, demo, pilotim, ovh, clock):
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 in Paris after the clocks went back (UTC+01:00)
    clock.travel(second + timedelta(hours=1))  # recorded after it happened, whatever instant the run is set to
    breach = record(demo, pilotim, ovh, occurred_at=second - timedelta(hours=3), aware_at=second)
    body = dpo.get(f"{BASE}/{breach.id}/edit").get_data(as_text=True)
    assert 'value="2026-10-25T02:30"' in body
    data = valid(demo, pilotim, ovh, title="Intrusion OVH", aware_at="2026-10-25T02:30",
                 occurred_at=local(second - timedelta(hours=3)), consequences="Hameçonnage.",
                 measures_taken="Serveur isolé.", measures_proposed="", facts="", natures=["confidentiality"],
                 data_categories=[], data_subjects=[], subjects_approx="", records_approx="", phase="follow_up",
                 csrf_token=TOKEN.search(body).group(1), version=str(breach.version))
    assert dpo.post(f"{BASE}/{breach.id}/edit", data=data).status_code == 302
    demo.expire_all()
    saved = demo.get(Breach, breach.id)
    assert saved.phase == "follow_up" and saved.aware_at == second
