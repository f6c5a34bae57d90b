"""Parallel rendering: content-keyed PDF chunks laid out by a pool of forked workers, joined with page numbers.

WeasyPrint's cost per page grows with the document and its memory is only returned when the process
ends, so long documents are rendered as small ones in a pool of forked workers. Each chunk is cached
under the SHA-256 of its content, so a regeneration after one change re-renders one chunk; "Page x / y"
is drawn afterwards as an overlay with the same font and place as the stylesheet's footer.
"""

import gc
import io
import json
import multiprocessing
import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pikepdf
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from registry.pdf import render

A4 = (210 * mm, 297 * mm)

def render_chunk_job(job: tuple[str, str, str]) -> tuple[str, int, dict[str, int], list[str]]:
    """Worker: lay out one chunk without page numbers, write it to the cache, return its pages and anchors."""
    key, html, target = job
    fetcher = render.ProjectFetcher()
    document = render.layout(html, fetcher, page_numbers=False)
    anchors: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, i)
    tmp = f"{target}.{os.getpid()}.tmp"
    document.write_pdf(tmp)
    meta = {"pages": len(document.pages), "anchors": anchors}
    Path(f"{target}.json.tmp{os.getpid()}").write_text(json.dumps(meta))
    os.replace(tmp, target)
    os.replace(f"{target}.json.tmp{os.getpid()}", f"{target}.json")
    return key, len(document.pages), anchors, fetcher.requested


def cached(target: Path) -> dict | None:
    meta = Path(f"{target}.json")
    if target.exists() and meta.exists():
        try:
            return json.loads(meta.read_text())
        except ValueError:
            return None
    return None


@contextmanager
def pool(workers: int, tasks_per_worker: int = 20):
    """Forked workers: WeasyPrint, the parsed stylesheet and its fonts are loaded once, in the parent.

    The parent's objects (a loaded register can be large) are frozen out of the garbage collector
    while the pool lives: otherwise every full collection in a worker walks them all again, and
    touching them copies their pages into each worker.
    """
    render.stylesheets()
    gc.collect()
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=tasks_per_worker) as p:
            yield p
    finally:
        gc.unfreeze()


def render_chunks(chunks: list[tuple[str, Callable[[], str]]], cache_dir: Path, workers: int,
                  fetcher=None, on_done: Callable[[int], None] | None = None) -> list[tuple[Path, dict]]:
    """Each chunk's PDF path and {pages, anchors}; only chunks whose key is not cached get HTML and a render.

    `on_done(n)` is told of chunks as they are ready (the cached ones at once): a job's progress."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    targets, jobs = [], []
    for key, make_html in chunks:
        target = cache_dir / f"{key}.pdf"
        targets.append(target)
        if cached(target) is None and all(j[2] != str(target) for j in jobs):
            jobs.append((key, make_html(), str(target)))
    done = on_done or (lambda _n: None)
    done(len(chunks) - len(jobs))
    if jobs:
        results = []
        if workers > 1 and len(jobs) > 1:
            with pool(min(workers, len(jobs))) as p:
                for result in p.imap(render_chunk_job, jobs, chunksize=1):
                    results.append(result)
                    done(1)
        else:
            for j in jobs:
                results.append(render_chunk_job(j))
                done(1)
        if fetcher is not None:
            for _key, _pages, _anchors, requested in results:
                fetcher.requested.extend(requested)
    return [(t, cached(t)) for t in targets]


def prune(cache_dir: Path, keep: set[str]) -> None:
    """Remove cached files this edition no longer uses, so the cache holds one register's worth per directory."""
    for path in cache_dir.iterdir():
        if path.is_file() and path.name not in keep and not path.name.endswith(".tmp") and ".tmp" not in path.suffixes:
            path.unlink(missing_ok=True)


def _footer_font() -> str:
    if "RegisterSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("RegisterSans", str(render.STATIC_DIR / "fonts" / "DejaVuSans.ttf")))
    return "RegisterSans"


def page_number_overlay(total: int, first: int = 2) -> pikepdf.Pdf:
    """A PDF of `total` A4 pages carrying only "Page x / y", where the stylesheet's @bottom-right puts it."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    font = _footer_font()
    # @page: bottom margin 22mm, right margin 18mm; the box has 3mm top padding and 7.5pt text.
    baseline = 22 * mm - 3 * mm - 7.5 * 1.38 * 0.5 - 7.5 * 0.5
    for number in range(1, total + 1):
        if number >= first:
            c.setFont(font, 7.5)
            c.setFillColorRGB(0x55 / 255, 0x55 / 255, 0x55 / 255)
            c.drawRightString(A4[0] - 18 * mm, baseline, f"Page {number} / {total}")
        c.showPage()
    c.save()
    buf.seek(0)
    return pikepdf.Pdf.open(buf)


def pdf_date(iso: str) -> str:
    from datetime import datetime

    d = datetime.fromisoformat(iso)
    return d.strftime("D:%Y%m%d%H%M%S+00'00'")
