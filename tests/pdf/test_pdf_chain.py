"""Annex IV lists the whole sub-processor chain: Google LLC at level 2 below Google Ireland, with its country and
the safeguard of Google Ireland's onward transfer (Art. 28(4); EDPB Opinion 22/2024)."""

import pytest
from pdftext import flat, pages_text
from sqlalchemy import select

from registry.models import ClientController
from registry.pdf import documents, register
from registry.pdf.annex_documents import annex


def client_named(session, org, name):
    return session.execute(
        select(ClientController).where(ClientController.organisation_id == org.id, ClientController.legal_name == name)
    ).scalar_one()


@pytest.mark.parametrize("name, expected", [
    ("Demo Estates Brussels (fictional)",
     ["4. Google Ireland Limited Level 1",
      "4.1. Google LLC Level 2 Google Ireland Limited United States", "Engaged by",
      "Google LLC → United States — Standard contractual clauses (2021/914)",
      "Module 3: processor to processor"]),
    ("Agence Démo du Beffroi (fictive)",
     ["4. Google Ireland Limited Niveau 1",
      "4.1. Google LLC Niveau 2 Google Ireland Limited États-Unis", "Engagé par",
      "Google LLC → États-Unis — Clauses contractuelles types (2021/914)",
      "Module 3 : sous-traitant à sous-traitant"]),
])
def test_pilotim_annex_lists_google_llc_at_level_2_with_its_country_and_safeguard(session, demo, name, expected):
    org = demo("pilotim")
    text = flat(" ".join(pages_text(register.annex_pdf(session, org.id, client_named(session, org, name).id))))
    annex_4 = text[text.index("Annex IV —" if "Annex IV —" in text else "Annexe IV —"):]
    # The values of a row come out before the labels of its page: "engaged by Google Ireland", "address US".
    for part in expected:
        assert flat(part) in annex_4, part
    # The picture above the list draws the chain that goes below the first level, and only that one.
    client = client_named(session, org, name)
    snap, client = documents.load_for_client(session, org.id, client.id)
    picture = str(annex(snap, client)["chain_svg"])
    assert "Google Ireland Limited" in picture and "Google LLC" in picture and "AMEPI" not in picture
    # The US transfer is Google Ireland's: it is listed under Google LLC, not as Google Ireland's own.
    google_ireland = annex_4[annex_4.index("4. Google Ireland Limited"):annex_4.index("4.1. Google LLC")]
    assert "→" not in google_ireland


ARTIFACTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "test-artifacts"


def _google_rows(rows):
    return {r["name"]: r for r in rows if r["name"] in ("Google Ireland Limited", "Google LLC")}


def test_register_and_auditors_list_number_the_chain_like_annex_iv(session, demo):
    org = demo("pilotim")
    snap = documents.load(session, org.id)
    for rows in (documents.register(snap, "en")["subprocessors"], documents.subprocessor_list(snap, "en")["groups"][0]["rows"]):
        google = _google_rows(rows)
        top, below = google["Google Ireland Limited"], google["Google LLC"]
        assert (top["level"], below["level"]) == (1, 2) and below["number"] == f"{top['number']}.1"
        assert below["exporter"] == "Google Ireland Limited" and top["exporter"] is None
        # Chain order: each hop right after the one that engages it.
        names = [r["name"] for r in rows]
        assert names.index("Google LLC") == names.index("Google Ireland Limited") + 1
    number = top["number"]
    text = flat(" ".join(pages_text(register.subprocessors_pdf(session, org.id, "en"))))
    assert flat(f"{number}.1. Google LLC Level 2") in text and flat("Engaged by Google Ireland Limited") in text
    text = flat(" ".join(pages_text(register.register_pdf(session, org.id, "fr"))))
    assert flat(f"{number}.1. Google LLC Niveau 2") in text and flat("Engagé par Google Ireland Limited") in text


def test_pilotim_google_chain_picture_is_written_to_the_test_artifacts(session, demo):
    """The issue's note shows this file: PILOTIM's Google chain (Google Ireland, IE -> Google LLC, US) as drawn."""
    from registry.pdf.chain import chain_hops, chain_svg

    org = demo("pilotim")
    snap = documents.load(session, org.id)
    top = next(s for s in snap.subprocessors if s.legal_name == "Google Ireland Limited")
    for lang in ("en", "fr"):
        hops = chain_hops(snap.subprocessors, snap.transfers_by_sub, lang, org.legal_name, roots=[top.id])
        svg = str(chain_svg(hops, lang, "pilotim-google", None))
        assert [h["name"] for h in hops] == ["Google Ireland Limited", "Google LLC"]
        assert "Google LLC · " in svg and ("Level 2" if lang == "en" else "Niveau 2") in svg
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"pilotim-google-chain-{lang}.svg").write_text(svg, "utf-8")


def test_as_of_list_pdf_shows_the_chain(session, demo):
    from registry import clock
    from registry.pdf.changes import as_of_doc
    from registry.services import subprocessor_exports as exports

    org = demo("pilotim")
    data = exports.export_data(session, org, clock.today(org.timezone))
    rows = _google_rows(as_of_doc(org, data, "fr")["rows"])
    assert (rows["Google LLC"]["level_label"], rows["Google LLC"]["exporter"]) == ("Niveau 2", "Google Ireland Limited")
    assert rows["Google LLC"]["number"] == rows["Google Ireland Limited"]["number"] + ".1"
