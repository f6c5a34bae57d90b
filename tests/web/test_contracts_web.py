"""A record's contract on the web: upload, refusal of bad files, the latest check, download, terms copied into the record."""

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from registry.models import AuditEntry, ClientController, ContractDocument, SubProcessor
from registry.services import contract_files as ex
from registry.services.contracts import store_contract
from registry.services.organisations import get_by_slug

SEEDS = Path(os.environ.get("REGISTRY_SEEDS") or Path(__file__).resolve().parents[3] / "shared" / "seeds")
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir() and not os.environ.get("CI"), reason=f"seed contracts not found in {SEEDS}")
APEX, GINGER, ART_ZONE = "001_8c19d792b735deb3.txt", "002_d3eaa0bf0228e7fa.txt", "004_1856e3db2ce7a5b8.txt"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TEXT = "Le Sous-traitant notifie au Client toute violation de données personnelles dans les 24 heures.".encode()


def seed(name: str) -> bytes:
    return (SEEDS / name).read_bytes()


def first_client(session, slug: str) -> ClientController:
    org = get_by_slug(session, slug)
    return session.execute(select(ClientController).where(ClientController.organisation_id == org.id)
                           .order_by(ClientController.id)).scalars().first()


def documents(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ContractDocument))


def audit_entries(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEntry))


def upload(client, area: str, record_id: int, data: bytes, name: str = "contrat.txt"):
    base = f"/orgs/{client.org_slug}/{area}/{record_id}"
    token = TOKEN.search(client.get(f"{base}/contract").get_data(as_text=True)).group(1)
    return client.post(f"{base}/contract/upload", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})


@pytest.fixture
def dpo_of(sign_in, demo):
    """The test client signed in as the DPO (or another role) of a demo organisation, in English."""

    def run(slug: str, role: str = "dpo"):
        c = sign_in(f"{role}@contracts.example.com", role, get_by_slug(demo, slug))
        c.org_slug = slug
        return c

    return run


@needs_seeds
def test_seed_contract_uploaded_on_a_demo_client_shows_each_verdict_with_its_quote(dpo_of, demo):
    web = dpo_of("art-zone")
    art_client = first_client(demo, "art-zone")
    response = upload(web, "clients", art_client.id, seed(ART_ZONE), "CGV ART ZONE.txt")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/clients/{art_client.id}/contract")
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    # Each item: its verdict, and for the ones with evidence the quote, its line and the rule.
    assert re.search(r'id="item-art28_2">.*?verdict-missing', page, re.S)
    assert re.search(r'id="item-art33_2">.*?verdict-missing.*?No passage found', page, re.S)
    assert re.search(r'id="item-art28_3_a">.*?verdict-weak.*?<blockquote class="quote">.+?</blockquote>.*?line \d+', page, re.S)
    # Outdated references: the CNIL declaration with its unfilled number, the 1978 law without the GDPR.
    assert "Declaration to the CNIL" in page and "number left as &#39;XXX&#39;" in page
    assert "Law 78-17 of 6 January 1978 cited without the GDPR" in page
    assert "1 year" in page  # the source archives kept 1 year after acceptance
    assert not re.search(r"\bcompliant\b|\bconformes?\b", page, re.I)  # the page never concludes
    web.get("/lang/fr")
    french = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Déclaration à la CNIL (régime supprimé le 25 mai 2018) — n° XXX jamais rempli" in french
    assert not re.search(r"\bcompliant\b|\bconformes?\b", french, re.I)
    web.get("/lang/en")
    detail = web.get(f"/orgs/art-zone/clients/{art_client.id}").get_data(as_text=True)
    assert "CGV ART ZONE.txt" in detail and "See the check of the contract" in detail


@needs_seeds
def test_versions_list_every_upload_and_download_the_original_file_safely(dpo_of, demo):
    web = dpo_of("pilotim")
    sub = demo.execute(select(SubProcessor).where(SubProcessor.organisation_id == get_by_slug(demo, "pilotim").id)
                       ).scalars().first()
    upload(web, "subprocessors", sub.id, TEXT, "v1.txt")
    # A name no browser would send, stored directly: it must not break out of the download's header.
    store_contract(demo, sub.organisation_id, subprocessor_id=sub.id, file_name='évil"\r\nX-Injected: 1;.txt',
                   data=seed(GINGER), uploaded_by="dpo@contracts.example.com")
    demo.commit()
    page = web.get(f"/orgs/pilotim/subprocessors/{sub.id}/contract").get_data(as_text=True)
    assert "v1.txt" in page and hashlib.sha256(TEXT).hexdigest() in page and "contracts@example.com" not in page
    assert "dpo@contracts.example.com" in page and "Plain text" in page
    old = web.get(f"/orgs/pilotim/subprocessors/{sub.id}/contract/file?revision=1")
    assert old.data == TEXT and old.headers["Content-Type"] == "text/plain"
    assert old.headers["X-Content-Type-Options"] == "nosniff"
    assert old.headers["Content-Disposition"].startswith('attachment; filename="v1.txt"')
    latest = web.get(f"/orgs/pilotim/subprocessors/{sub.id}/contract/file")
    assert latest.data == seed(GINGER)
    disposition = latest.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and "X-Injected" not in latest.headers
    assert disposition.startswith('attachment; filename="evil___X-Injected_ 1_.txt"; ')
    assert disposition.endswith("filename*=UTF-8''%C3%A9vil%22%0D%0AX-Injected%3A%201%3B.txt")
    assert web.get(f"/orgs/pilotim/subprocessors/{sub.id}/contract/file?revision=9").status_code == 404


def _zip_bomb() -> bytes:
    """About 100 KB that inflate past the 100 MiB bound (the zeros are written in chunks, never held whole)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("word/document.xml", b"<w/>")
        with z.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            for _ in range(ex.MAX_UNZIPPED_BYTES // (1 << 20) + 1):
                part.write(b"\0" * (1 << 20))
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("kind,message", [
    ("wrong type", "The file is not a PDF, DOCX, ODT, Markdown or plain-text file."),
    ("corrupt", "The PDF is corrupt or unreadable"),
    ("encrypted pdf", "The PDF is encrypted: remove the password or protection and upload it again."),
    ("encrypted office", "This is an encrypted Office document"),
    ("oversized", "The file is 0.1 MiB; the limit is 0 MiB."),
    ("docx bomb", "refused as a possible zip bomb"),
    ("empty", "The file is empty."),
])
def test_each_refused_file_gives_its_message_at_the_field_and_stores_nothing(app, dpo_of, demo, kind, message):
    app.config["REGISTRY_MAX_UPLOAD_BYTES"] = 128 * 1024
    data = {
        "wrong type": bytes(range(256)) * 4,
        "corrupt": b"%PDF-1.7\ngarbage",
        "encrypted pdf": _encrypted_pdf(),
        "encrypted office": ex._OLE_MAGIC + b"\0" * 600,
        "oversized": b"a" * (128 * 1024 + 1),
        "docx bomb": _zip_bomb(),
        "empty": b"",
    }[kind]
    web = dpo_of("pilotim")
    target = first_client(demo, "pilotim")
    before = (documents(demo), audit_entries(demo))
    response = upload(web, "clients", target.id, data, "contract.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    field = re.search(r'<p class="error" id="file-error">(.*?)</p>', page, re.S)
    assert field and message in field.group(1).replace("&#39;", "'"), page[:2000]
    assert 'aria-invalid="true"' in page
    assert (documents(demo), audit_entries(demo)) == before


def test_refusal_is_worded_in_french_in_the_french_interface(dpo_of, demo):
    web = dpo_of("pilotim")
    web.get("/lang/fr")
    response = upload(web, "clients", first_client(demo, "pilotim").id, ex._OLE_MAGIC + b"\0" * 600, "x.doc")
    assert response.status_code == 422 and "document Office chiffré" in response.get_data(as_text=True)


def test_upload_without_csrf_token_is_refused_and_stores_nothing(dpo_of, demo):
    web = dpo_of("pilotim")
    target = first_client(demo, "pilotim")
    response = web.post(f"/orgs/pilotim/clients/{target.id}/contract/upload", content_type="multipart/form-data",
                        data={"file": (io.BytesIO(TEXT), "dpa.txt")})
    assert response.status_code == 400
    assert documents(demo) == 0


@needs_seeds
def test_auditor_reads_the_contract_but_cannot_upload_or_accept(dpo_of, demo, sign_in):
    web = dpo_of("apex-timing")
    target = first_client(demo, "apex-timing")
    upload(web, "clients", target.id, seed(APEX), "CGV APEX.txt")
    auditor = dpo_of("apex-timing", "auditor")
    page = auditor.get(f"/orgs/apex-timing/clients/{target.id}/contract").get_data(as_text=True)
    assert "CGV APEX.txt" in page and 'enctype="multipart/form-data"' not in page
    assert "Copy the extracted terms" not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    before = (documents(demo), audit_entries(demo))
    refused = auditor.post(f"/orgs/apex-timing/clients/{target.id}/contract/upload", content_type="multipart/form-data",
                           data={"csrf_token": token.group(1), "file": (io.BytesIO(TEXT), "dpa.txt")})
    assert refused.status_code == 403
    assert auditor.get(f"/orgs/apex-timing/clients/{target.id}/contract/accept").status_code == 403
    assert auditor.post(f"/orgs/apex-timing/clients/{target.id}/contract/accept",
                        data={"csrf_token": token.group(1), "fields": ["objection_period_days"]}).status_code == 403
    assert (documents(demo), audit_entries(demo)) == before
    assert auditor.get(f"/orgs/apex-timing/clients/{target.id}/contract/file").data == seed(APEX)


def _accept_form(web, url: str) -> tuple[str, dict]:
    page = web.get(url).get_data(as_text=True)
    hidden = dict(re.findall(r'id="(version|document|csrf_token)" name="\1" type="hidden" value="([^"]*)"', page))
    return page, hidden


@needs_seeds
def test_accepting_terms_writes_the_chosen_ones_and_one_audit_entry_and_nothing_else(dpo_of, demo):
    web = dpo_of("apex-timing")
    target = first_client(demo, "apex-timing")
    demo.execute(ClientController.__table__.update().where(ClientController.id == target.id)
                 .values(objection_period_days=None, audits_per_year=None, breach_notice_undue_delay=False))
    demo.commit()
    upload(web, "clients", target.id, seed(APEX), "CGV APEX.txt")
    url = f"/orgs/apex-timing/clients/{target.id}/contract/accept"
    page, hidden = _accept_form(web, url)
    # Each term beside the record's value; the ones that differ are ticked.
    assert re.search(r'value="objection_period_days" id="fields-objection_period_days"\s+checked', page)
    assert re.search(r'value="audits_per_year" id="fields-audits_per_year"\s+checked', page)
    assert "15 days" in page
    demo.expire_all()
    before = {k: v for k, v in demo.get(ClientController, target.id).model_dump().items()}
    entries = audit_entries(demo)
    response = web.post(url, data={**hidden, "fields": ["objection_period_days", "breach_notice_undue_delay"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    demo.expire_all()
    after = demo.get(ClientController, target.id).model_dump()
    changed = {k for k in after if after[k] != before[k]}
    # updated_at moves with the clock, which a frozen test clock may have left on the second the demo was seeded.
    assert changed - {"updated_at"} == {"objection_period_days", "breach_notice_undue_delay", "version"}
    assert after["updated_at"] >= before["updated_at"]
    assert after["objection_period_days"] == 15 and after["breach_notice_undue_delay"] is True
    assert after["audits_per_year"] is None  # offered, not ticked: not written
    assert audit_entries(demo) == entries + 1
    entry = demo.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
    assert (entry.record_type, entry.record_id, entry.action) == ("client_controller", target.id, "update")
    assert entry.actor == "dpo@contracts.example.com"
    history = web.get(f"/orgs/apex-timing/clients/{target.id}").get_data(as_text=True)
    assert re.search(r"Objection period.*?<ins>15</ins>", history, re.S)


@needs_seeds
def test_a_sub_processors_contract_terms_are_accepted_into_its_record(dpo_of, demo):
    """Art. 28(4): what a sub-processor promised (here APEX's general terms used as its contract) becomes values."""
    from registry.models import SubProcessor

    web = dpo_of("pilotim")
    org = get_by_slug(demo, "pilotim")
    sp = demo.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id)
                      .order_by(SubProcessor.id)).scalars().first()
    upload(web, "subprocessors", sp.id, seed(APEX), "DPA.txt")
    url = f"/orgs/pilotim/subprocessors/{sp.id}/contract/accept"
    assert f'href="{url}"' in web.get(f"/orgs/pilotim/subprocessors/{sp.id}/contract").get_data(as_text=True)
    page, hidden = _accept_form(web, url)
    assert re.search(r'value="objection_period_days" id="fields-objection_period_days"\s+checked', page)
    assert "Objection period to its own sub-processors (days)" in page
    entries = audit_entries(demo)
    response = web.post(url, data={**hidden, "fields": ["objection_period_days"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/subprocessors/{sp.id}#history")
    demo.expire_all()
    updated = demo.get(SubProcessor, sp.id)
    assert updated.objection_period_days == 15 and updated.audits_per_year is None
    assert [loc.country for loc in updated.locations] == [loc.country for loc in sp.locations]  # kept as they were
    assert audit_entries(demo) == entries + 1
    entry = demo.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
    assert (entry.record_type, entry.record_id, entry.action) == ("subprocessor", sp.id, "update")


@needs_seeds
def test_accepting_terms_on_a_stale_form_is_refused_and_writes_nothing(dpo_of, demo):
    web = dpo_of("apex-timing")
    target = first_client(demo, "apex-timing")
    upload(web, "clients", target.id, seed(APEX), "CGV APEX.txt")
    url = f"/orgs/apex-timing/clients/{target.id}/contract/accept"
    _page, hidden = _accept_form(web, url)
    demo.execute(ClientController.__table__.update().where(ClientController.id == target.id)
                 .values(version=ClientController.version + 1, objection_period_days=99))
    demo.commit()
    entries = audit_entries(demo)
    response = web.post(url, data={**hidden, "fields": ["objection_period_days"]})
    assert response.status_code == 422 and "Someone saved this record" in response.get_data(as_text=True)
    demo.expire_all()
    assert demo.get(ClientController, target.id).objection_period_days == 99
    assert audit_entries(demo) == entries


@needs_seeds
def test_accepting_a_field_the_contract_gives_no_value_for_is_refused(dpo_of, demo):
    web = dpo_of("apex-timing")
    target = first_client(demo, "apex-timing")
    upload(web, "clients", target.id, seed(APEX), "CGV APEX.txt")
    url = f"/orgs/apex-timing/clients/{target.id}/contract/accept"
    _page, hidden = _accept_form(web, url)
    entries = audit_entries(demo)
    response = web.post(url, data={**hidden, "fields": ["legal_name"]})
    assert response.status_code == 422
    assert audit_entries(demo) == entries


@needs_seeds
def test_contract_page_cross_checks_the_terms_with_the_register(dpo_of, demo, make_subprocessor):
    ginger = get_by_slug(demo, "ginger-minds")
    target = first_client(demo, "ginger-minds")
    demo.execute(ClientController.__table__.update().where(ClientController.id == target.id)
                 .values(breach_notice_hours=24))
    demo.commit()
    make_subprocessor(ginger, legal_name="Hébergeur US (fictif)", country="US", locations=[{"country": "US"}])
    web = dpo_of("ginger-minds")
    upload(web, "clients", target.id, seed(GINGER), "CGV GINGER.txt")
    page = web.get(f"/orgs/ginger-minds/clients/{target.id}/contract").get_data(as_text=True).replace("&#39;", "'")
    section = page[page.index('id="crosscheck"'):page.index('id="versions"')]
    # "Stored only in the EU" against a sub-processor recorded as storing data in the US.
    assert "stored only in the EU, but the register records transfers" in section and "US" in section
    # The 30-day backup retention (CGV 5.3.3.3) and the 5 years after the end both have their retention rule.
    assert "no matching retention rule in the register" not in section
    # "dans les meilleurs délais" against the 24 h the register holds for this client.
    assert "The contract says 'dans les meilleurs délais' with no figure" in section
    assert "the register expects 24 h" in section


@needs_seeds
def test_sub_processors_named_in_the_contract_and_recorded_are_compared_both_ways(dpo_of, demo, make_subprocessor):
    pilotim = get_by_slug(demo, "pilotim")
    make_subprocessor(pilotim, legal_name="Routeur Fictif SAS")
    target = first_client(demo, "pilotim")
    web = dpo_of("pilotim")
    upload(web, "clients", target.id, seed("000_0412e64e33be73e3.txt"), "CGV PILOTIM.txt")
    page = web.get(f"/orgs/pilotim/clients/{target.id}/contract").get_data(as_text=True)
    section = page[page.index('id="crosscheck"'):page.index('id="versions"')]
    assert "Sub-processor in the register but not named in the contract: Routeur Fictif SAS." in section
    assert "OpenAI L.L.C" in page[page.index('id="terms"'):page.index('id="outdated"')]


@needs_seeds
def test_dashboard_counts_latest_contracts_with_missing_items_and_links_each(dpo_of, demo):
    web = dpo_of("defi-informatique")
    target = first_client(demo, "defi-informatique")
    board = web.get("/orgs/defi-informatique/").get_data(as_text=True)
    assert re.search(r'id="board-contracts-title">[^<]*<span class="count">0</span>', board)
    upload(web, "clients", target.id, seed("003_721c465f6aaf4f0b.txt"), "Contrat DEFI.txt")
    board = web.get("/orgs/defi-informatique/").get_data(as_text=True)
    assert re.search(r'id="board-contracts-title">[^<]*<span class="count">1</span>', board)
    assert f'href="/orgs/defi-informatique/clients/{target.id}/contract"' in board
    assert "Breach notification to the controller" in board
    # Only the latest version counts: a newer file with every item present clears it.
    upload(web, "clients", target.id, seed(APEX), "DPA complet.txt")
    board = web.get("/orgs/defi-informatique/").get_data(as_text=True)
    assert re.search(r'id="board-contracts-title">[^<]*<span class="count">0</span>', board)


def _docx(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("CONTRAT", level=1)
    d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _odt(text: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    doc.text.addElement(P(text=text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


@pytest.mark.parametrize("kind,media_type,make", [
    ("pdf", "application/pdf", _pdf),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _docx),
    ("odt", "application/vnd.oasis.opendocument.text", _odt),
    ("markdown", "text/markdown", lambda t: f"# Contrat\n\n## Article 1\n\n{t}\n".encode()),
])
def test_each_accepted_format_is_stored_checked_and_served_under_its_sniffed_type(dpo_of, demo, kind, media_type, make):
    web = dpo_of("pilotim")
    target = first_client(demo, "pilotim")
    data = make(TEXT.decode())
    # The name says .txt: the type comes from the content.
    assert upload(web, "clients", target.id, data, "contrat.txt").status_code == 302
    page = web.get(f"/orgs/pilotim/clients/{target.id}/contract").get_data(as_text=True)
    assert re.search(r'id="item-art33_2">.*?verdict-present', page, re.S)
    served = web.get(f"/orgs/pilotim/clients/{target.id}/contract/file")
    assert served.data == data and served.headers["Content-Type"] == media_type
    demo.expire_all()
    assert demo.execute(select(ContractDocument.kind)).scalar_one() == kind
