"""PDFs of sub-processor changes: the notice to a client (Art. 28(2), CNIL model clause) and the list as of a date."""

from datetime import date, timedelta

from pdftext import flat, pages_text
from sqlalchemy import select

from registry import clock
from registry.models import Activity, SubProcessorChangeCreate, SubProcessorCreate
from registry.pdf.changes import as_of_doc, notice_doc, notice_pdf, subprocessors_as_of_pdf
from registry.pdf.render import STATIC_DIR, ProjectFetcher
from registry.services import changes as svc
from registry.services import subprocessor_exports as exports
from registry.services.organisations import get_by_slug

HOSTILE = {
    "legal_name": '<img src="file:///etc/passwd">IA Démo (fictive)',
    "service": '<link rel="attachment" href="file:///etc/hostname">Textes',
    "address": '<style>@import url("http://127.0.0.1:9/evil.css");</style>1 rue Fictive',
    "contact_email": "privacy@ia-demo.example.com",
    "country": "US",
    "locations": [{"country": "US", "kind": "storage", "site": '<base href="file:///etc/">us-east'}],
}


def plan(session, org, notice_date):
    sp = svc.propose_subprocessor(session, org, SubProcessorCreate.model_validate(HOSTILE), "test")
    s02 = session.execute(select(Activity).where(Activity.organisation_id == org.id,
                                                 Activity.reference == "PIL-S-02")).scalars().one()
    change = svc.plan_change(session, org, SubProcessorChangeCreate(kind="add", subprocessor_id=sp.id,
                                                                    activity_ids=[s02.id], notice_date=notice_date), "t")
    session.commit()
    return change


def test_the_notice_says_what_the_model_clause_asks_in_the_clients_language(session, demo):
    org = demo("pilotim")
    change = plan(session, org, date(2026, 3, 2))
    docs = {n.language: notice_doc(svc.notice_data(session, change, n.client_id)) for n in change.notices}
    fr, en = docs["fr"], docs["en"]
    assert fr["deadline"] == "1 avril 2026" and en["deadline"] == "April 1, 2026"
    assert "jusqu'au 1 avril 2026 inclus" in fr["deadline_text"] and "30 jours" in fr["default_period"]
    assert en["activities"] == [{"reference": "PIL-S-02", "name": "Fonctions d'intelligence artificielle"}]
    assert en["locations"][0]["country"] == "United States" and en["locations"][0]["eea"] is False
    assert en["kind"] == "Addition of a sub-processor" and fr["kind"] == "Ajout d'un sous-traitant ultérieur"


def test_the_notice_pdf_keeps_hostile_text_as_text_and_fetches_nothing(session, demo):
    org = demo("pilotim")
    change = plan(session, org, date(2026, 3, 2))
    english = next(n for n in change.notices if n.language == "en")
    fetcher = ProjectFetcher()
    pdf = notice_pdf(session, change, english.client_id, fetcher)
    static = STATIC_DIR.resolve().as_uri()
    assert all(url.startswith(static + "/") for url in fetcher.requested) and fetcher.refused == []
    assert b"/EmbeddedFile" not in pdf and b"/URI" not in pdf
    text = flat(" ".join(pages_text(pdf)))
    for expected in ('<img src="file:///etc/passwd">IA Démo (fictive)', "privacy@ia-demo.example.com",
                     "PIL-S-02", "United States", "outside the EEA", "April 1, 2026", "Deadline to object",
                     "signature date not recorded yet", "Demo Estates Brussels (fictional)"):
        assert expected in text, expected


def test_the_list_as_of_a_date_is_stamped_with_its_date_filters_and_fingerprint(session, demo):
    org = demo("pilotim")
    day = clock.today(org.timezone)
    data = exports.export_data(session, org, day, exports.Filters(location="US"))
    doc = as_of_doc(org, data, "en")
    # In chain order: Google LLC (level 2, in the US) is numbered under Google Ireland, which comes before OpenAI.
    assert [r["name"] for r in doc["rows"]] == ["Google LLC", "OpenAI, L.L.C."]
    assert [r["level"] for r in doc["rows"]] == [2, 1] and doc["rows"][0]["exporter"] == "Google Ireland Limited"
    assert doc["filters"] == "location=US" and doc["sha256"] == data["sha256"]
    assert all("No signed data processing agreement" in " ".join(r["flags"]) for r in doc["rows"])
    pdf = subprocessors_as_of_pdf(org, data, "fr")
    text = flat(" ".join(pages_text(pdf)))
    assert data["sha256"] in text.replace(" ", "") and "OpenAI, L.L.C." in text
    assert f"{day.day}" in text and "location=US" in text
    assert as_of_doc(org, exports.export_data(session, org, day - timedelta(days=3650)), "en")["rows"] == []
    assert get_by_slug(session, "pilotim").id == org.id
