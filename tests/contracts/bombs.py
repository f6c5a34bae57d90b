"""Hostile contract files built in the tests: a DOCX whose small archive inflates to a huge XML part."""

import io
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="word/document.xml"/></Relationships>')
PARAGRAPH = "<w:p><w:r><w:t>Le sous-traitant traite les données pour le compte du client.</w:t></w:r></w:p>".encode()


def docx_with_xml(megabytes: float) -> bytes:
    """A well-formed DOCX whose word/document.xml holds about `megabytes` MiB of paragraphs, deflated.

    The part is written in chunks, so building it never holds the inflated XML in memory.
    """
    count = int(megabytes * 1024 * 1024 / len(PARAGRAPH))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>'.encode())
            block = PARAGRAPH * 1000
            for _ in range(count // 1000):
                part.write(block)
            part.write(PARAGRAPH * (count % 1000))
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()
