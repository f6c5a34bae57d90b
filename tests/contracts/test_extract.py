"""Reading contract files: every accepted format gives numbered lines; unsafe or broken files are refused."""

import io
import zipfile

import pytest

from registry.domain.contracts.check import check_lines
from registry.services import contract_files as ex
from registry.services.contract_files import ContractFileError, extract, sniff


def docx_bytes(paragraphs=("Article 1 – Objet", "Le prestataire traite les données."), page_break=False) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    d.add_heading("CONTRAT", level=1)
    for text in paragraphs:
        d.add_paragraph(text)
    if page_break:
        d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        d.add_paragraph("Page deux : le prestataire notifie toute violation de données dans les 48 heures.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def odt_bytes(paragraphs=("Le prestataire traite les données.",)) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="ARTICLE 5 – DONNÉES PERSONNELLES"))
    for text in paragraphs:
        doc.text.addElement(P(text=text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_bytes(pages=("Article 1 – Objet du contrat", "Article 2 – Le sous-traitant notifie toute violation.")) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<p style="break-before: page">{p}</p>' for p in pages)
    return HTML(string=body).write_pdf()


def test_docx_paragraphs_and_heading_styles_are_read_in_order():
    result = extract(docx_bytes())
    assert result.kind == "docx"
    assert [ln.text for ln in result.lines] == ["CONTRAT", "Article 1 – Objet", "Le prestataire traite les données."]
    assert result.lines[0].heading_level == 1 and result.lines[2].number == 3


def test_docx_page_breaks_give_page_numbers():
    result = extract(docx_bytes(page_break=True))
    assert result.pages == 2
    assert [ln.page for ln in result.lines if ln.text] == [1, 1, 1, 2]


def test_odt_headings_and_paragraphs_are_read():
    result = extract(odt_bytes())
    assert result.kind == "odt"
    assert [(ln.text, ln.heading_level) for ln in result.lines] == [
        ("ARTICLE 5 – DONNÉES PERSONNELLES", 1), ("Le prestataire traite les données.", None)]


def test_pdf_text_carries_page_numbers():
    result = extract(pdf_bytes())
    assert result.kind == "pdf" and result.pages == 2
    assert [(ln.page, ln.number) for ln in result.lines if "violation" in ln.text] == [(2, 1)]


def test_pdf_quote_of_a_check_gives_its_page():
    data = pdf_bytes(("Objet.", "Le Prestataire notifie au Client toute violation de données personnelles sous 24 heures."))
    v = next(v for v in check_lines(extract(data).lines).items if v.code == "art33_2")
    assert (v.verdict, v.page, v.line) == ("present", 2, 1)


def test_markdown_and_plain_text_are_sniffed_by_content():
    assert sniff(b"# Contrat\n\n## Article 1\n\nTexte.") == "markdown"
    assert sniff("Contrat de maintenance\nArticle 1 – Objet".encode("cp1252")) == "text"
    assert extract(b"Ligne un\nLigne deux").lines[1].number == 2


def test_format_is_judged_by_content_not_by_name(tmp_path):
    path = tmp_path / "contract.txt"
    path.write_bytes(docx_bytes())
    assert extract(path.read_bytes()).kind == "docx"


def _refused(data: bytes, *words: str) -> str:
    with pytest.raises(ContractFileError) as info:
        extract(data)
    message = str(info.value)
    for w in words:
        assert w in message, message
    return message


def test_empty_file_is_refused():
    _refused(b"", "empty")


def test_oversized_file_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(ex, "MAX_FILE_BYTES", 1000)
    _refused(b"a" * 1001, "limit is 0 MiB")


def test_corrupt_pdf_is_refused():
    _refused(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ngarbage", "PDF")


def test_encrypted_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    _refused(out.getvalue(), "encrypted")


def test_encrypted_office_file_and_legacy_doc_are_refused():
    _refused(ex._OLE_MAGIC + b"\x00" * 600, "encrypted Office document")


def test_password_protected_odt_is_refused():
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(odt_bytes())) as src, zipfile.ZipFile(data, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "META-INF/manifest.xml":
                body = body.replace(b"</manifest:manifest>",
                                    b"<manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>")
            dst.writestr(info, body)
    _refused(data.getvalue(), "password-protected")


def test_docx_that_decompresses_past_the_bound_is_refused_as_zip_bomb(monkeypatch):
    monkeypatch.setattr(ex, "MAX_UNZIPPED_BYTES", 5 * 1024 * 1024)
    data = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/media/zeros.bin", b"\0" * (6 * 1024 * 1024))
    assert len(data.getvalue()) < 100_000
    _refused(data.getvalue(), "zip bomb")


def test_zip_bomb_with_lying_sizes_is_caught_while_inflating(monkeypatch):
    monkeypatch.setattr(ex, "MAX_UNZIPPED_BYTES", 5 * 1024 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w/>")
        z.writestr("word/media/zeros.bin", b"\0" * (6 * 1024 * 1024))
    data = bytearray(buf.getvalue())
    # Rewrite the declared size of the big entry in the central directory to 1 byte.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (1).to_bytes(4, "little")
    with pytest.raises(ContractFileError):
        extract(bytes(data))


def test_corrupt_docx_is_refused():
    data = docx_bytes()
    _refused(data[: len(data) // 2], "corrupt")


def test_zip_that_is_not_a_document_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    _refused(buf.getvalue(), "neither a Word")


def test_binary_file_is_refused():
    _refused(bytes(range(256)) * 8, "not a PDF, DOCX, ODT, Markdown or plain-text file")


def test_scanned_pdf_without_text_is_refused():
    _refused(pdf_bytes(pages=("",)), "OCR")


def test_control_characters_never_reach_the_extracted_text():
    data = "Article 1\nLe prestataire \x1b[31m traite\x07 les données.".encode()
    assert extract(data).lines[1].text == "Le prestataire [31m traite les données."
