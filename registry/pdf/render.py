"""HTML -> PDF with WeasyPrint: a project-only fetcher, one parsed print stylesheet, and the document entry points."""

import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from sqlmodel import Session
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from registry.pdf import documents

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
TEMPLATES_DIR = ROOT / "templates"
PRINT_CSS = STATIC_DIR / "css" / "print.css"
BASE_URL = STATIC_DIR.as_uri() + "/"
# Client blocks of the processor record printed per unit (a unit starts on a new page).
CLIENTS_PER_UNIT = 12


class ProjectFetcher(URLFetcher):
    """Serves files under static/ and refuses everything else, recording every URL it was asked for.

    WeasyPrint's default fetcher opens any scheme (file:, data:, http: with redirects); a document can
    ask for a URL in many ways (img, link, @import, url(), SVG href, attachments, <base>), so the
    only safe rule is to answer from an allow-list of our own files.
    """

    def __init__(self, static_dir: Path = STATIC_DIR):
        super().__init__(timeout=5, allowed_protocols=("file",), allow_redirects=False)
        self.static_dir = static_dir.resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []

    def _static_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return None
        try:
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        # resolve() follows symlinks and "..", so a path that ends outside static/ is refused.
        if not path.is_relative_to(self.static_dir) or not path.is_file():
            return None
        return path

    def fetch(self, url, headers=None):
        self.requested.append(url)
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise ValueError(f"refused by the project fetcher: {url[:120]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url=path.as_uri(), body=path.read_bytes(), headers={"Content-Type": mime})


@cache
def jinja_env() -> Environment:
    """Print templates with autoescape always on: user text can only ever be text in the PDF."""
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, trim_blocks=True, lstrip_blocks=True)


@cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def stylesheets() -> tuple[CSS, CSS]:
    """The print stylesheet parsed once (its fonts registered once), and the variant without page numbers."""
    fetcher = ProjectFetcher()
    css = CSS(string=PRINT_CSS.read_text("utf-8"), base_url=PRINT_CSS.as_uri(), url_fetcher=fetcher,
              font_config=font_config())
    no_numbers = CSS(string="@page { @bottom-right { content: none } }", font_config=font_config())
    return css, no_numbers


@cache
def templates_version() -> str:
    """What a cached PDF depends on besides its data: print templates, stylesheet, fonts' CSS, WeasyPrint."""
    import hashlib

    import weasyprint

    h = hashlib.sha256(weasyprint.__version__.encode() + PRINT_CSS.read_bytes())
    for path in sorted((TEMPLATES_DIR / "pdf").glob("*.html")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def render_template(name: str, **context) -> str:
    return jinja_env().get_template(name).render(**context)


def layout(html: str, fetcher: ProjectFetcher | None = None, page_numbers: bool = True):
    """Lay out an HTML string with the print stylesheet; returns WeasyPrint's Document."""
    css, no_numbers = stylesheets()
    sheets = [css] if page_numbers else [css, no_numbers]
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or ProjectFetcher()).render(
        stylesheets=sheets, font_config=font_config()
    )


def html_to_pdf(html: str, fetcher: ProjectFetcher | None = None) -> bytes:
    return layout(html, fetcher).write_pdf()


def register_body(doc: dict) -> tuple[list[dict], list[dict]]:
    """The register's body as units (each starts a page) and the contents' entries, in print order."""
    L = doc["L"]
    units: list[dict] = []
    toc: list[dict] = []

    def section(number, title, ref, anchor, kind="section", **extra):
        toc.append({"level": 1, "label": f"{number}. {title}", "anchor": anchor})
        units.append({"kind": kind, "number": number, "title": title, "ref": ref, "section": title,
                      "section_anchor": anchor, **extra})

    section(1, L["controller_record"], L["controller_record_ref"], "sec-controller", empty=not doc["controller_sheets"])
    for s in doc["controller_sheets"]:
        toc.append({"level": 3, "label": f"{s['reference']} — {s['name']}", "anchor": s["anchor"]})
        units.append({"kind": "activity", "sheet": s, "section": L["controller_record"]})
    section(2, L["processor_record"], L["processor_record_ref"], "sec-processor")
    for i, s in enumerate(doc["processor_sheets"]):
        head = {"heading": f"2.1 {L['processing_categories']}", "heading_anchor": "sec-categories"} if i == 0 else {}
        if head:
            toc.append({"level": 2, "label": head["heading"], "anchor": head["heading_anchor"]})
        toc.append({"level": 3, "label": f"{s['reference']} — {s['name']}", "anchor": s["anchor"]})
        units.append({"kind": "activity", "sheet": s, "section": L["processor_record"], **head})
    clients = doc["clients"]
    for i in range(0, len(clients), CLIENTS_PER_UNIT):
        group = clients[i : i + CLIENTS_PER_UNIT]
        head = {"heading": f"2.2 {L['clients_section']}", "heading_anchor": "sec-clients"} if i == 0 else {}
        if head:
            toc.append({"level": 2, "label": head["heading"], "anchor": head["heading_anchor"]})
        # Clients are alphabetical under 2.2 and in the PDF outline; listing thousands of them in the
        # contents would make the contents longer than the sheets they index.
        toc.extend({"level": 3, "label": c["name"], "anchor": c["anchor"], "outline_only": True} for c in group)
        units.append({"kind": "clients", "clients": group, "section": L["processor_record"], **head})
    section(3, L["subprocessor_list"], L["subprocessor_list_ref"], "sec-subprocessors", kind="subprocessors",
            rows=doc["subprocessors"])
    return units, toc


def render_unit(doc: dict, unit: dict) -> Markup:
    return Markup(render_template("pdf/_unit.html", doc=doc, unit=unit))


def register_meta(doc: dict) -> dict:
    L = doc["L"]
    return {"title": f"{L['register_title']} — {doc['org']['name']}", "author": doc["org"]["name"],
            "description": f"{L['register_subtitle']} — SHA-256 {doc['fingerprint']}",
            "created": doc["generated_at_iso"], "modified": doc["generated_at_iso"]}


def register_html(doc: dict, units_html: list[Markup], toc: list[dict], pages: dict | None = None) -> str:
    return render_template("pdf/register.html", doc=doc, lang=doc["lang"], meta=register_meta(doc),
                           toc=toc, units=units_html, pages=pages)


def plain_register_html(doc: dict) -> str:
    """The whole register as one HTML document (contents by target-counter): the single-render form."""
    units, toc = register_body(doc)
    return register_html(doc, [render_unit(doc, u) for u in units], toc)


def register_pdf(session: Session, org_id: int, lang: str, cache_dir: Path | None = None, workers: int = 2,
                 chunked: bool | None = None, fetcher: ProjectFetcher | None = None) -> bytes:
    """The Art. 30 register of an organisation as PDF bytes (the web download and the CLI call this).

    Small registers render as one document; large ones in content-keyed chunks across `workers`
    processes, reused from `cache_dir` when unchanged (see assemble.py). Run a large one outside a
    web request: WeasyPrint only returns memory when its process ends.
    """
    from registry.pdf import assemble

    doc = documents.register(documents.load(session, org_id), lang)
    units, toc = register_body(doc)
    if chunked is None:
        chunked = len(units) > assemble.CHUNK_WEIGHT
    if not chunked:
        return html_to_pdf(register_html(doc, [render_unit(doc, u) for u in units], toc), fetcher)
    return assemble.chunked_register(doc, units, toc, cache_dir=cache_dir, workers=workers, fetcher=fetcher)


def annex_meta(doc: dict) -> dict:
    L = doc["L"]
    return {"title": f"{L['annex_title']} — {doc['controller']['name']}", "author": doc["processor"]["name"],
            "description": L["annex_subtitle"], "created": doc["as_of_iso"], "modified": doc["as_of_iso"]}


def annex_html(doc: dict) -> str:
    return render_template("pdf/annex.html", doc=doc, lang=doc["lang"], meta=annex_meta(doc))


def annex_pdf(session: Session, org_id: int, client_id: int, lang: str | None = None,
              fetcher: ProjectFetcher | None = None) -> bytes:
    """The 2021/915 annexes for one client controller, in the client's language (for a web download)."""
    snap, client = documents.load_for_client(session, org_id, client_id)
    return html_to_pdf(annex_html(documents.annex(snap, client, lang)), fetcher)


def subprocessors_html(doc: dict) -> str:
    L = doc["L"]
    meta = {"title": f"{L['sublist_title']} — {doc['org']['name']}", "author": doc["org"]["name"],
            "description": L["sublist_subtitle"], "created": doc["generated_at_iso"],
            "modified": doc["generated_at_iso"]}
    return render_template("pdf/subprocessors.html", doc=doc, lang=doc["lang"], meta=meta)


def subprocessors_pdf(session: Session, org_id: int, lang: str, fetcher: ProjectFetcher | None = None) -> bytes:
    """The sub-processor list for auditors with the compliance flags of the domain rules."""
    from registry.services.flags import flags_for_subprocessors

    snap = documents.load(session, org_id)
    flags = flags_for_subprocessors(session, snap.org, snap.subprocessors)
    return html_to_pdf(subprocessors_html(documents.subprocessor_list(snap, lang, flags)), fetcher)
