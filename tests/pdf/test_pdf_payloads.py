"""Hostile text in any field prints as text: nothing outside static/ is fetched and nothing is embedded."""

import io
import os

import pikepdf
import pytest
from pdftext import flat, pages_text
from sqlalchemy import select
from weasyprint import HTML

from registry.demo.build import register
from registry.models import ClientController
from registry.pdf import register as pdf_register
from registry.pdf import render
from registry.pdf.render import STATIC_DIR, ProjectFetcher
from registry.services.exchange import import_register

PAYLOADS = [
    "file:///etc/passwd",
    "http://127.0.0.1:9/tracker.png",
    "data:text/html;base64,PHA+aGk8L3A+",
    "../../registry/db.py",
    '<base href="file:///etc/">',
    '<style>@import url("http://127.0.0.1:9/evil.css");</style>',
    '<svg><image href="file:///etc/passwd"/><use href="http://127.0.0.1:9/s.svg#x"/></svg>',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<a rel="attachment" href="file:///etc/hostname">pièce</a>',
    '<img src="../css/print.css"><object data="file:///etc/passwd"></object>',
    '<div style="background: url(file:///etc/passwd)">x</div>',
]
TEXT = " ".join(PAYLOADS)


@pytest.fixture
def hostile(session):
    doc = register(
        {"slug": "hostile", "legal_name": '<base href="file:///etc/">Hostile SAS', "country": "FR",
         "address": PAYLOADS[1], "dpo_name": PAYLOADS[7], "acts_as": "both"},
        measures=[{"heading": "other", "title": PAYLOADS[5], "description": TEXT}],
        clients=[{"legal_name": '<a rel="attachment" href="file:///etc/hostname">Client</a>', "language": "en",
                  "address": PAYLOADS[6], "notes": TEXT}],
        subprocessors=[{"legal_name": '<img src="file:///etc/passwd">Sub', "service": " ".join(PAYLOADS[5:8]), "status": "active",
                        "country": "US", "locations": [{"country": "US", "kind": "storage", "site": PAYLOADS[9][:200]}]}],
        activities=[
            {"reference": "H-1", "name": PAYLOADS[4] + " controller", "role": "controller", "status": "active",
             "description": TEXT, "purposes": [{"purpose": PAYLOADS[8], "legal_basis": "art6_1_f"}],
             "data_categories": [{"code": "identity", "detail": PAYLOADS[10]}], "subprocessors": [1], "measures": [1]},
            {"reference": "H-2", "name": PAYLOADS[6][:200], "role": "processor", "status": "active",
             "description": TEXT, "purposes": [{"purpose": PAYLOADS[2]}], "clients": [1], "subprocessors": [1],
             "measures": [1], "systems": PAYLOADS[0]},
        ],
        transfers=[{"subprocessor": 1, "recipient": PAYLOADS[3], "destination_country": "US", "mechanism": "scc",
                    "scc_module": 3, "exporter_role": "processor", "importer_role": "processor",
                    "document_reference": PAYLOADS[8]}],
    )
    org = import_register(session, doc)
    session.commit()
    return org


def assert_safe(pdf: bytes, fetcher: ProjectFetcher) -> str:
    static = STATIC_DIR.resolve().as_uri()
    assert all(url.startswith(static + "/") for url in fetcher.requested), fetcher.requested
    assert fetcher.refused == []
    assert b"/EmbeddedFile" not in pdf and b"/URI" not in pdf
    with pikepdf.open(io.BytesIO(pdf)) as p:
        assert len(p.attachments) == 0
    text = flat(" ".join(pages_text(pdf)))
    assert "Hostile SAS" in text
    return text


def test_payloads_in_every_field_of_the_register_print_as_text(session, hostile, tmp_path):
    fetcher = ProjectFetcher()
    pdf = pdf_register.register_pdf(session, hostile.id, "fr", chunked=False, fetcher=fetcher)
    text = assert_safe(pdf, fetcher)
    assert '<base href="file:///etc/">Hostile SAS' in text
    assert "@import url(" in text and "file:///etc/passwd" in text


def test_payloads_in_the_chunked_register_annex_and_list_fetch_nothing(session, hostile, tmp_path):
    fetcher = ProjectFetcher()
    assert_safe(pdf_register.register_pdf(session, hostile.id, "en", chunked=True, workers=1, cache_dir=tmp_path,
                                    fetcher=fetcher), fetcher)
    client_id = session.execute(
        select(ClientController.id).where(ClientController.organisation_id == hostile.id)
    ).scalar_one()
    fetcher = ProjectFetcher()
    text = assert_safe(pdf_register.annex_pdf(session, hostile.id, client_id, fetcher=fetcher), fetcher)
    assert '<img src="file:///etc/passwd">Sub' in text
    fetcher = ProjectFetcher()
    assert_safe(pdf_register.subprocessors_pdf(session, hostile.id, "en", fetcher=fetcher), fetcher)


def test_fetcher_serves_static_files_only(tmp_path):
    fetcher = ProjectFetcher()
    css = fetcher.fetch((STATIC_DIR / "css" / "print.css").as_uri())
    assert b"@page" in css.read()
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    link = STATIC_DIR / "css" / f"link-{os.getpid()}.txt"
    link.symlink_to(outside)
    try:
        for url in [
            "file:///etc/passwd", outside.as_uri(), link.as_uri(), "http://127.0.0.1:9/x.css",
            "https://example.org/font.ttf", "data:text/css,body{}", "ftp://127.0.0.1/x",
            STATIC_DIR.as_uri() + "/css/../../registry/db.py", STATIC_DIR.as_uri() + "/css/print.css?x=1",
            "file://remote-host" + str(STATIC_DIR / "css" / "print.css"), STATIC_DIR.as_uri() + "/css",
        ]:
            with pytest.raises(ValueError):
                fetcher.fetch(url)
            assert fetcher.refused[-1] == url
    finally:
        link.unlink()


def test_html_that_asks_for_outside_resources_gets_nothing(weasyprint_log):
    """Defence in depth: even raw HTML (never produced from user text) cannot read or embed anything."""
    weasyprint_log.expect(r"refused by the project fetcher|Failed to load|Relative URI reference without a base URI")
    fetcher = ProjectFetcher()
    html = "".join(PAYLOADS[4:]) + '<img src="file:///etc/passwd"><embed src="data:text/plain,hi">' \
        '<p style="background:url(http://127.0.0.1:9/b.png)">x</p>'
    pdf = HTML(string=html, base_url=render.BASE_URL, url_fetcher=fetcher).write_pdf(
        stylesheets=[render.stylesheets()[0]], font_config=render.font_config())
    assert fetcher.refused and set(fetcher.refused) == set(fetcher.requested)
    assert any(u.startswith("file:///etc/") for u in fetcher.refused)
    assert b"/EmbeddedFile" not in pdf
