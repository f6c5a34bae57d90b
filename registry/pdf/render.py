"""The engine: HTML -> PDF with WeasyPrint, a project-only fetcher and one parsed print stylesheet (no document here)."""

import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from jinja2 import Environment, FileSystemLoader
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
TEMPLATES_DIR = ROOT / "templates"
PRINT_CSS = STATIC_DIR / "css" / "print.css"
BASE_URL = STATIC_DIR.as_uri() + "/"


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
