"""Read a contract file (PDF, DOCX, ODT, Markdown, plain text) into numbered lines, refusing unsafe files.

`extract` reads in the calling process, within the bounds on size, XML parts and element count; `extract_isolated`
runs the same reading in a child process (registry/services/contract_worker.py) under CPU-time and address-space
limits and a wall-clock timeout, so that a hostile file can never hold a web worker: uploads use that one.
"""

import io
import json
import logging
import re
import signal
import subprocess
import sys
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from registry.domain.contracts.segment import SourceLine
from registry.domain.refusals import Refused

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
# A DOCX/ODT whose parts inflate past this is refused before any XML parser sees it (zip bomb).
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000
MAX_PDF_PAGES = 2000
MAX_TEXT_CHARS = 10_000_000
# Each XML part of a DOCX/ODT once inflated, and the elements of all of them together: a 300-page contract holds
# a few MiB and a few hundred thousand elements; past these bounds no XML parser is given the file.
MAX_XML_PART_BYTES = 32 * 1024 * 1024
MAX_XML_ELEMENTS = 1_000_000

KINDS = ("pdf", "docx", "odt", "markdown", "text")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "markdown": "text/markdown",
    "text": "text/plain",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def N_(msgid: str) -> str:
    """Marks a refusal message for the translation catalogs; the interface translates it where it shows it."""
    return msgid


class ContractFileError(Refused):
    """A file the checker refuses; the message says why, for the person who uploaded it.

    `msgid` is the English message with %(name)s placeholders and `values` fill them: the interface translates
    the message and formats the numbers in its own language (views/contract_display.refusal_message); str()
    is the English text, for the shell and logs. Both cross the child process of `extract_isolated` as JSON.
    """

    def __init__(self, msgid: str, **values: object):
        self.msgid, self.values = msgid, values
        self.message = msgid % {k: f"{v:,}" if isinstance(v, int) else v for k, v in values.items()} if values else msgid
        super().__init__({"file": [self.message]})

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ParseLimits:
    """How much a file may cost to read: the XML bounds, and for the child process CPU, memory and wall time."""

    file_bytes: int | None = None  # None: MAX_FILE_BYTES
    unzipped_bytes: int | None = None  # None: MAX_UNZIPPED_BYTES
    xml_part_bytes: int = MAX_XML_PART_BYTES
    xml_elements: int = MAX_XML_ELEMENTS
    cpu_seconds: int = 30
    memory_bytes: int = 768 * 1024 * 1024
    timeout_seconds: float = 60.0


@dataclass(frozen=True)
class ExtractedText:
    kind: str
    lines: list[SourceLine]
    pages: int | None

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def sniff(data: bytes) -> str:
    """The format of `data` judged by its content (never by the file name), or ContractFileError."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_OLE_MAGIC):
        raise ContractFileError(N_(
            "This is an encrypted Office document or an old binary .doc file: save it as an unprotected "
            ".docx, .odt or .pdf and upload it again."))
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and z.read("mimetype").strip() == _ODT_MIME:
                    return "odt"
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
            raise ContractFileError(N_("The file looks like a DOCX/ODT archive but is corrupt (%(detail)s)."),
                                    detail=str(exc)) from exc
        raise ContractFileError(N_("This archive is neither a Word (.docx) nor an OpenDocument text (.odt) file."))
    text = _decode_text(data)
    return "markdown" if _looks_like_markdown(text) else "text"


def _check_size(data: bytes, limits: ParseLimits) -> None:
    if not data:
        raise ContractFileError(N_("The file is empty."))
    bound = limits.file_bytes or MAX_FILE_BYTES
    if len(data) > bound:
        raise ContractFileError(N_("The file is %(size)s MiB; the limit is %(limit)s MiB."),
                                size=round(len(data) / 1048576, 1), limit=bound // 1048576)


def extract_isolated(data: bytes, limits: ParseLimits | None = None) -> ExtractedText:
    """`extract` run in a child process under `limits` (CPU seconds, address space, wall time).

    The child answers in JSON on its standard output; a child stopped by a limit is a refusal that names the
    limit, never an error of the calling process, which holds only the file and the answer.
    """
    limits = limits or ParseLimits()
    _check_size(data, limits)
    worker = Path(__file__).with_name("contract_worker.py")
    try:
        done = subprocess.run([sys.executable, "-I", str(worker), json.dumps(asdict(limits))], input=data,
                              capture_output=True, timeout=limits.timeout_seconds, check=False)
    except subprocess.TimeoutExpired:
        raise ContractFileError(N_("Reading the document took longer than %(limit)s seconds: refused."),
                                limit=f"{limits.timeout_seconds:g}") from None
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise ContractFileError(N_("Reading the document needed more than %(limit)s seconds of processor time: refused."),
                                limit=limits.cpu_seconds)
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = {"crashed": done.returncode}
    log.info("contract file read in a child process: exit %s, peak memory %s bytes (limit %s)",
             done.returncode, answer.get("peak_rss_bytes"), limits.memory_bytes)
    if "memory" in answer:
        raise ContractFileError(
            N_("Reading the document needed more than the %(limit)s MiB of memory allowed: refused."),
            limit=limits.memory_bytes // 1048576)
    if "refused" in answer:
        raise ContractFileError(answer["refused"], **answer.get("values", {}))
    if "lines" not in answer:
        raise ContractFileError(N_("The document could not be read: the reader stopped unexpectedly."))
    lines = [SourceLine(page, number, text, level) for page, number, text, level in answer["lines"]]
    return ExtractedText(answer["kind"], lines, answer["pages"])


def extract(data: bytes, limits: ParseLimits | None = None) -> ExtractedText:
    """Numbered lines of the contract in `data`; refuses oversized, corrupt, encrypted or bomb files."""
    limits = limits or ParseLimits()
    _check_size(data, limits)
    kind = sniff(data)
    if kind == "pdf":
        result = _pdf(data)
    elif kind in ("docx", "odt"):
        _check_zip(data, limits)
        result = _docx(data) if kind == "docx" else _odt(data)
    else:
        lines = _decode_text(data).splitlines()
        result = ExtractedText(kind, [SourceLine(None, i, t) for i, t in enumerate(lines, 1)], None)
    # Terminal escapes or NULs inside a PDF's text must not reach a report, a log or the database.
    result = ExtractedText(result.kind, [SourceLine(ln.page, ln.number, _CONTROL.sub("", ln.text), ln.heading_level)
                                         for ln in result.lines], result.pages)
    if sum(len(line.text) for line in result.lines) > MAX_TEXT_CHARS:
        raise ContractFileError(N_("The document holds more than %(limit)s characters of text."), limit=MAX_TEXT_CHARS)
    if not any(line.text.strip() for line in result.lines):
        raise ContractFileError(N_(
            "No text could be read from this file (a scanned PDF needs OCR first: no text layer was found)."))
    return result


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows editors still save French text as cp1252; refuse only what no text encoding explains.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ContractFileError(N_("The file is not a PDF, DOCX, ODT, Markdown or plain-text file.")) from exc
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\t\n\r\f")
    if "\x00" in text or controls > 10:
        raise ContractFileError(N_("The file is not a PDF, DOCX, ODT, Markdown or plain-text file."))
    return text


def _looks_like_markdown(text: str) -> bool:
    return len(re.findall(r"(?m)^#{1,6} \S", text[:200_000])) >= 2


class _ElementCounter:
    """An lxml parser target that builds no tree: it counts the elements and stops the parse past the bound."""

    def __init__(self, counted: int, bound: int):
        self.count, self.bound = counted, bound

    def start(self, tag, attrib):
        self.count += 1
        if self.count > self.bound:
            raise ContractFileError(N_("The document holds more than %(limit)s XML elements: refused."), limit=self.bound)

    def close(self):
        return self.count


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _check_zip(data: bytes, limits: ParseLimits | None = None) -> None:
    """Refuse an archive that is corrupt, encrypted, too many entries, or inflates past the bounds.

    The sizes declared in the archive can lie, so every entry is actually inflated, in chunks, and the
    counts stop as soon as a bound is passed: the whole archive, each XML part, and the elements of all
    XML parts (counted by a parser that keeps no tree and resolves no entity).
    """
    from lxml import etree

    limits = limits or ParseLimits()
    unzipped = limits.unzipped_bytes or MAX_UNZIPPED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise ContractFileError(N_("The archive holds %(count)s parts; the limit is %(limit)s."),
                                        count=len(infos), limit=MAX_ZIP_ENTRIES)
            if any(i.flag_bits & 0x1 for i in infos):
                raise ContractFileError(N_("The document is password-protected: remove the password and upload it again."))
            if "META-INF/manifest.xml" in z.namelist() and b"encryption-data" in z.read("META-INF/manifest.xml"):
                raise ContractFileError(N_("The document is password-protected: remove the password and upload it again."))
            total = sum(i.file_size for i in infos)
            if total > unzipped:
                raise _bomb(unzipped)
            for info in infos:
                if _is_xml(info.filename) and info.file_size > limits.xml_part_bytes:
                    raise _xml_part_too_large(info.filename, limits)
            total, elements = 0, 0
            for info in infos:
                xml, size = _is_xml(info.filename), 0
                counter = _ElementCounter(elements, limits.xml_elements)
                parser = etree.XMLParser(target=counter, resolve_entities=False, no_network=True) if xml else None
                with z.open(info) as part:
                    while chunk := part.read(1 << 20):
                        total += len(chunk)
                        size += len(chunk)
                        if total > unzipped:
                            raise _bomb(unzipped)
                        if xml and size > limits.xml_part_bytes:
                            raise _xml_part_too_large(info.filename, limits)
                        parser = _feed(parser, chunk)
                elements = counter.count
    except ContractFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise ContractFileError(N_("The document archive is corrupt (%(detail)s)."), detail=str(exc)) from exc


def _feed(parser, chunk: bytes):
    """Feed the counting parser; a part that is not well-formed stops counting (its reader will refuse it)."""
    from lxml import etree

    if parser is None:
        return None
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError:
        return None
    except ContractFileError:
        raise
    return parser


def _xml_part_too_large(name: str, limits: ParseLimits) -> ContractFileError:
    return ContractFileError(
        N_("The part %(part)s of the document is larger than %(limit)s MiB once decompressed: refused."),
        part=_CONTROL.sub("", name)[:100], limit=limits.xml_part_bytes // 1048576)


def _bomb(bound: int) -> ContractFileError:
    return ContractFileError(N_("The document decompresses to more than %(limit)s MiB: refused as a possible zip bomb."),
                             limit=bound // 1048576)


def _pdf(data: bytes) -> ExtractedText:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ContractFileError(N_("The PDF is encrypted: remove the password or protection and upload it again."))
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise ContractFileError(N_("The PDF has %(count)s pages; the limit is %(limit)s."), count=count,
                                    limit=MAX_PDF_PAGES)
        lines = []
        for page_no, page in enumerate(reader.pages, 1):
            for i, text in enumerate((page.extract_text() or "").splitlines(), 1):
                lines.append(SourceLine(page_no, i, text))
    except ContractFileError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OSError, AssertionError, ZeroDivisionError) as exc:
        raise ContractFileError(N_("The PDF is corrupt or unreadable (%(detail)s)."),
                                detail=f"{type(exc).__name__}: {exc}") from exc
    return ExtractedText("pdf", lines, count)


_HEADING_STYLE = re.compile(r"^(?:heading|titre|title|berschrift)\s*(\d)?", re.I)


def _docx(data: bytes) -> ExtractedText:
    """Body paragraphs and table cells in document order; pages counted from Word's page breaks."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises bare KeyError/ValueError/lxml errors on broken parts
        raise ContractFileError(N_("The Word document is corrupt or unreadable (%(detail)s)."),
                                detail=type(exc).__name__) from exc
    rendered, hard = qn("w:lastRenderedPageBreak"), qn("w:br")
    page, rows = 1, []
    for p in document.element.body.iter(qn("w:p")):
        page += sum(1 for el in p.iter(rendered, hard) if el.tag == rendered or el.get(qn("w:type")) == "page")
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        level = None
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and (m := _HEADING_STYLE.match(style.get(qn("w:val"), ""))):
            level = int(m.group(1) or 1)
        rows.append((page, text, level))
    return ExtractedText("docx", _number(rows, page > 1), page if page > 1 else None)


def _number(rows: list[tuple[int, str, int | None]], paged: bool) -> list[SourceLine]:
    """Line numbers restart on each page when the document has pages, else run through the document."""
    out, last_page, number = [], None, 0
    for page, text, level in rows:
        number = 1 if paged and page != last_page else number + 1
        last_page = page
        out.append(SourceLine(page if paged else None, number, text, level))
    return out


def _odt(data: bytes) -> ExtractedText:
    """Headings and paragraphs in document order; pages counted from LibreOffice's soft page breaks."""
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy surfaces raw xml.sax / KeyError failures
        raise ContractFileError(N_("The OpenDocument file is corrupt or unreadable (%(detail)s)."),
                                detail=type(exc).__name__) from exc
    lines: list[tuple[int, str, int | None]] = []
    page = 1
    stack = [document.text]
    while stack:
        node = stack.pop()
        if node.nodeType != node.ELEMENT_NODE:
            continue
        if node.qname == (TEXTNS, "soft-page-break"):
            page += 1
            continue
        if node.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
            level = None
            if node.qname == (TEXTNS, "h"):
                level = int(node.getAttrNS(TEXTNS, "outline-level") or 1)
            lines.append((page, teletype.extractText(node), level))
            continue
        stack.extend(reversed(node.childNodes))
    return ExtractedText("odt", _number(lines, page > 1), page if page > 1 else None)
