"""The Art. 30 register as printed: complete, with contents that point at the right pages, in French and English."""

import io
import re

import pytest
from pdftext import flat, pages_text
from pypdf import PdfReader
from sqlalchemy import select

from registry.demo.build import register as exchange_register
from registry.models import Activity, ClientController, SubProcessor
from registry.models.subprocessors import SubProcessorCreate
from registry.pdf import documents, register
from registry.services.changes import propose_subprocessor
from registry.services.exchange import import_register


def records(session, model, org):
    return list(session.execute(select(model).where(model.organisation_id == org.id)).scalars())


def contents_entries(pdf: bytes) -> dict[str, int]:
    """Contents lines "label .... page" read back, by position, from the pages that follow the cover."""
    out = {}
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages[1:3]:
        text = page.extract_text(extraction_mode="layout")
        if "Contents" not in text and "Sommaire" not in text:
            continue
        for line in text.splitlines():
            m = re.match(r"^(.*\S)\s{3,}(\d+)$", line.strip())
            if m and "Page" not in line:
                out[m.group(1)] = int(m.group(2))
    return out


def assert_contents_point_at_their_pages(pdf: bytes, pages: list[str], session, org):
    toc = contents_entries(pdf)
    activities = records(session, Activity, org)
    for a in activities:
        label = f"{a.reference} — {a.name}"
        assert label in toc, f"{label} missing from the contents"
        assert f"{a.reference}" in pages[toc[label] - 1] and flat(a.name) in flat(pages[toc[label] - 1])
    # Clients are not in the contents (thousands of them would outgrow it) but in the PDF outline.
    outline = outline_pages(pdf)
    for c in records(session, ClientController, org):
        assert c.legal_name not in toc
        assert flat(c.legal_name) in flat(pages[outline[c.legal_name]])


def outline_pages(pdf: bytes) -> dict[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    out = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    return out


def squeezed(text: str) -> str:
    """Text without any whitespace: a cell's words wrapped over lines (or at a hyphen) still match."""
    return re.sub(r"\s+", "", text)


def assert_no_row_split(pages: list[str], doc: dict):
    """Each sub-processor's table row and each client's sub-processor row lie whole on one page."""
    pages = [squeezed(p) for p in pages]
    table_pages = [p for p in pages if squeezed(doc["L"]["subprocessor_list"]) in p]
    for s in doc["subprocessors"] + doc["planned_subprocessors"]:
        cells = [s["name"], s["service"], *(t["safeguard"] for t in s["transfers"])]
        assert any(all(squeezed(c) in p for c in cells) for p in table_pages), f"row of {s['name']} split"
    for c in doc["clients"]:
        if c["subprocessors"]:
            assert any(squeezed(" · ".join(c["subprocessors"])) in p for p in pages), f"row of {c['name']} split"


def test_pilotim_register_lists_everything_and_its_contents_point_at_the_right_pages(session, demo):
    org = demo("pilotim")
    pdf = register.register_pdf(session, org.id, "fr", chunked=False)
    pages = pages_text(pdf)
    whole = flat(" ".join(pages))
    for a in records(session, Activity, org):
        assert a.reference in whole and flat(a.name) in whole
    for c in records(session, ClientController, org):
        assert flat(c.legal_name) in whole
    for s in records(session, SubProcessor, org):
        assert flat(s.legal_name) in whole
    assert_contents_point_at_their_pages(pdf, pages, session, org)
    for heading in ("Registre des activités de traitement", "Registre en tant que responsable de traitement",
                    "Registre en tant que sous-traitant", "Liste des sous-traitants ultérieurs", "Sommaire"):
        assert heading in whole
    # PILOTIM's own (controller) activity records no data categories: Art. 30(1)(c) asks for them, the sheet says so.
    sheet = next(p for p in pages if "Fiche PIL-R-01" in p)
    assert "Non renseigné" in sheet
    assert_no_row_split(pages, documents.register(documents.load(session, org.id), "fr"))
    total = len(pages)
    assert all(f"Page {n} / {total}" in pages[n - 1] for n in range(2, total + 1))
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta.title == "Registre des activités de traitement — PILOTIM" and meta.author == "PILOTIM"
    assert meta.creation_date is not None and meta.modification_date is not None
    snap = documents.load(session, org.id)
    assert documents.fingerprint(snap) in whole.replace(" ", "")


def test_register_in_cached_chunks_reads_like_the_single_render_in_english(session, demo, tmp_path, monkeypatch):
    org = demo("pilotim")
    monkeypatch.setattr(register, "CHUNK_WEIGHT", 4)
    cache = tmp_path / "cache"
    pdf = register.register_pdf(session, org.id, "en", cache_dir=cache, workers=2, chunked=True)
    pages = pages_text(pdf)
    whole = flat(" ".join(pages))
    for heading in ("Record of processing activities", "Record as controller", "Record as processor",
                    "List of sub-processors", "Contents", "Not recorded"):
        assert heading in whole
    assert_contents_point_at_their_pages(pdf, pages, session, org)
    total = len(pages)
    assert all(f"Page {n} / {total}" in pages[n - 1] for n in range(2, total + 1))
    assert "Page 1 /" not in pages[0]
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Record of processing activities — PILOTIM"

    chunks = set(cache.glob("*.pdf"))
    assert len(chunks) > 3
    activity = next(a for a in records(session, Activity, org) if a.reference == "PIL-S-05")
    activity.description = "Collecte et diffusion d'avis clients, modifiée."
    session.commit()
    again = pages_text(register.register_pdf(session, org.id, "en", cache_dir=cache, workers=2, chunked=True))
    assert "modifiée" in flat(" ".join(again))
    # One activity changed: one chunk rendered again, every other one reused from the cache.
    assert len(set(cache.glob("*.pdf")) - chunks) == 1


def test_same_content_gives_the_same_register_dict_and_fingerprint(session, demo):
    org = demo("pilotim")
    first = documents.register(documents.load(session, org.id), "fr")
    second = documents.register(documents.load(session, org.id), "fr")
    for doc in (first, second):
        doc.pop("generated_at")
        doc.pop("generated_at_iso")
    assert first == second
    ovh = next(s for s in records(session, SubProcessor, org) if s.legal_name == "OVH")
    ovh.service = "Hébergement (modifié)"
    session.commit()
    assert documents.fingerprint(documents.load(session, org.id)) != first["fingerprint"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_register_dict_marks_missing_items_and_orders_sheets_by_reference(session, demo, lang):
    org = demo("pilotim")
    doc = documents.register(documents.load(session, org.id), lang)
    refs = [s["reference"] for s in doc["processor_sheets"]]
    assert refs == sorted(refs)
    sheet = doc["processor_sheets"][0]
    assert sheet["data_categories"] == [] and sheet["data_subjects"] == []
    # The 17 sub-processors of the contract and Google LLC, engaged by Google Ireland Limited (level 2).
    assert doc["counts"] == {"activities": 11, "clients": 3, "subprocessors": 18, "planned_subprocessors": 0}


def test_processor_records_cite_article_30_2_and_never_30_1_c_to_g(session, demo):
    org = demo("pilotim")
    pages = pages_text(register.register_pdf(session, org.id, "en", chunked=False))
    sheets = [p for p in pages if re.search(r"Sheet PIL-S-0\d", p)]
    clients = [p for p in pages if "2.2 Controllers on whose behalf" in p or "Client controller" in p]
    assert len(sheets) == 9 and clients
    for page in sheets:
        for letter in "abcd":
            assert f"Art. 30(2)({letter})" in page
        assert not re.search(r"Art\. 30\(1\)\([c-g]\)", page)
        # PILOTIM's terms state no data subjects, data categories or retention for this processing; Art. 30(2)
        # does not ask a processor for them, so nothing is flagged as not recorded.
        assert "Not recorded" not in page and "Categories of personal data" not in page
    for page in clients:
        assert not re.search(r"Art\. 30\(1\)", page)
    controller = next(p for p in pages if "Sheet PIL-R-01" in p)
    for letter in "abcdefg":
        assert f"Art. 30(1)({letter})" in controller


def test_planned_subprocessor_is_listed_apart_and_not_counted_as_current(session, demo, runner, tmp_path):
    org = demo("pilotim")
    propose_subprocessor(session, org, SubProcessorCreate(legal_name="Hébergeur Prévu SAS (fictif)",
                                                          service="Hébergement de secours"), "dpo@demo")
    session.commit()
    doc = documents.register(documents.load(session, org.id), "fr")
    assert doc["counts"]["subprocessors"] == 18 and doc["counts"]["planned_subprocessors"] == 1
    assert [s["name"] for s in doc["planned_subprocessors"]] == ["Hébergeur Prévu SAS (fictif)"]
    assert "Hébergeur Prévu SAS (fictif)" not in [s["name"] for s in doc["subprocessors"]]

    pages = pages_text(register.register_pdf(session, org.id, "fr", chunked=False))
    whole = flat(" ".join(pages))
    assert "18 sous-traitants ultérieurs en vigueur (1 prévu(s), pas encore en vigueur)" in whole
    assert "19 sous-traitants" not in whole
    current, _, planned = whole.partition("3.1 Sous-traitants ultérieurs prévus, pas encore en vigueur Nom")
    assert "Hébergeur Prévu SAS" in planned and "Hébergeur Prévu SAS" not in current
    assert_no_row_split(pages, doc)

    target = tmp_path / "subs.pdf"
    result = runner.invoke(args=["export-pdf", "subprocessors", "--org", "pilotim", "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    current, _, planned = flat(" ".join(pages_text(target.read_bytes()))).partition(
        "Planned sub-processors, not yet in force")
    assert "Hébergeur Prévu SAS" in planned and "Hébergeur Prévu SAS" not in current


def test_long_rows_move_whole_to_the_next_page(session):
    """Rows of varied heights, many pages of them: each table row and each client's row stays on one page."""
    subs = [{"legal_name": f"Sous-traitant fictif {i:02d}", "status": "active",
             "service": f"S{i}-debut " + "service " * (20 + (i * 7) % 35) + f"S{i}-fin"} for i in range(1, 41)]
    clients = [{"legal_name": f"Client fictif {i:02d}", "language": "fr"} for i in range(1, 13)]
    org = import_register(session, exchange_register(
        {"slug": "long-rows", "legal_name": "Rangs Longs SAS (fictive)", "country": "FR", "acts_as": "both"},
        clients=clients, subprocessors=subs,
        activities=[{"reference": "LR-S-01", "name": "Traitement fictif", "role": "processor", "status": "active",
                     "clients": list(range(1, 13)), "subprocessors": list(range(1, 41))}]))
    session.commit()
    doc = documents.register(documents.load(session, org.id), "fr")
    pages = pages_text(register.register_pdf(session, org.id, "fr", chunked=False))
    assert sum(1 for p in pages if "Sous-traitant fictif 01" in p) > 3
    assert_no_row_split(pages, doc)
