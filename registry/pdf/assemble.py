"""A long register rendered in content-keyed chunks across processes, then joined with its page numbers stamped.

WeasyPrint's cost per page grows with the document and its memory is only returned when the process
ends, so the body's units (each starting on a new page, hence laid out alike alone or together) are
rendered as small documents in a pool of forked workers. Each chunk is cached under the SHA-256 of
its HTML and stylesheet, so a regeneration after one change re-renders one chunk. The cover and
contents are rendered once the page numbers are known; pikepdf joins the parts and "Page x / y" is
drawn as an overlay with the same font and place as the stylesheet's footer.
"""

import gc
import hashlib
import io
import json
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pikepdf
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from registry.pdf import render

# A chunk holds units up to this weight (an activity sheet ~1 page, a group of clients ~3 pages).
CHUNK_WEIGHT = 24
UNIT_WEIGHT = {"activity": 1, "section": 1, "clients": 3, "subprocessors": 6}
A4 = (210 * mm, 297 * mm)


def chunks_of(units: list[dict]) -> list[list[dict]]:
    """Consecutive units grouped by weight: the grouping only moves where units are added or removed."""
    out, current, weight = [], [], 0
    for u in units:
        w = UNIT_WEIGHT.get(u["kind"], 1)
        if current and weight + w > CHUNK_WEIGHT:
            out.append(current)
            current, weight = [], 0
        current.append(u)
        weight += w
    if current:
        out.append(current)
    return out


def _render_chunk(job: tuple[str, str, str]) -> tuple[str, int, dict[str, int], list[str]]:
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


def _cached(target: Path) -> dict | None:
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
                  fetcher=None) -> list[tuple[Path, dict]]:
    """Each chunk's PDF path and {pages, anchors}; only chunks whose key is not cached get HTML and a render."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    targets, jobs = [], []
    for key, make_html in chunks:
        target = cache_dir / f"{key}.pdf"
        targets.append(target)
        if _cached(target) is None and all(j[2] != str(target) for j in jobs):
            jobs.append((key, make_html(), str(target)))
    if jobs:
        if workers > 1 and len(jobs) > 1:
            with pool(min(workers, len(jobs))) as p:
                results = p.map(_render_chunk, jobs, chunksize=1)
        else:
            results = [_render_chunk(j) for j in jobs]
        if fetcher is not None:
            for _key, _pages, _anchors, requested in results:
                fetcher.requested.extend(requested)
    return [(t, _cached(t)) for t in targets]


def prune(cache_dir: Path, keep: set[str]) -> None:
    """Remove cached files this edition no longer uses, so the cache holds one register's worth per directory."""
    for path in cache_dir.iterdir():
        if path.name not in keep and not path.name.endswith(".tmp") and ".tmp" not in path.suffixes:
            path.unlink(missing_ok=True)


def unit_key(unit: dict) -> str:
    """A unit's content key: its data (the labels come with the language)."""
    data = json.dumps(unit, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


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


def _pdf_date(iso: str) -> str:
    from datetime import datetime

    d = datetime.fromisoformat(iso)
    return d.strftime("D:%Y%m%d%H%M%S+00'00'")


def chunked_register(doc: dict, units: list[dict], toc: list[dict], cache_dir: Path | None = None,
                     workers: int = 2, fetcher=None) -> bytes:
    """Render the body in cached chunks, then the cover and contents with the known page numbers, then join."""
    groups = chunks_of(units)
    # A chunk's HTML must hold nothing that changes between editions of the same content (no date, no
    # fingerprint): its key is the templates' version, the language and organisation, and its units' data.
    chunk_meta = {"title": doc["L"]["register_title"], "author": doc["org"]["name"], "description": "",
                  "created": "", "modified": ""}
    context = unit_key({"v": render.templates_version(), "lang": doc["lang"], "org": doc["org"]})

    def chunk(g):
        key = hashlib.sha256("".join([context, *(unit_key(u) for u in g)]).encode()).hexdigest()
        return key, lambda: render.render_template("pdf/units.html", lang=doc["lang"], meta=chunk_meta,
                                                   units=[render.render_unit(doc, u) for u in g])

    with tempfile.TemporaryDirectory(prefix="register-") as tmp:
        cache = Path(cache_dir) if cache_dir else Path(tmp)
        parts = render_chunks([chunk(g) for g in groups], cache, workers, fetcher)
        body_pages = sum(meta["pages"] for _, meta in parts)

        def front(front_pages: int):
            pages, offset = {}, front_pages
            for _, meta in parts:
                for name, index in meta["anchors"].items():
                    pages.setdefault(name, offset + index + 1)
                offset += meta["pages"]
            html = render.register_html(doc, [], toc, pages={e["anchor"]: pages.get(e["anchor"], "?") for e in toc})
            return render.layout(html, fetcher, page_numbers=False), pages

        # Page numbers do not change the contents' layout (fixed-width column), so its page count is
        # remembered per list of entries; a first edition guesses, and lays out again if the guess was off.
        count_file = cache / f"front-{unit_key({'toc': toc, 'lang': doc['lang'], 'org': doc['org']})}.json"
        guess = json.loads(count_file.read_text())["pages"] if count_file.exists() else \
            1 + max(1, -(-sum(1 for e in toc if not e.get("outline_only")) // 44))
        front_doc, pages = front(guess)
        if len(front_doc.pages) != guess:
            front_doc, pages = front(len(front_doc.pages))
        count_file.write_text(json.dumps({"pages": len(front_doc.pages)}))
        if cache_dir:
            prune(cache, {count_file.name, *(n for p, _ in parts for n in (p.name, f"{p.name}.json"))})
        total = len(front_doc.pages) + body_pages
        out = pikepdf.Pdf.open(io.BytesIO(front_doc.write_pdf()))
        for path, _ in parts:
            with pikepdf.Pdf.open(path) as src:
                out.pages.extend(src.pages)
        overlay = page_number_overlay(total)
        for page, stamp in zip(out.pages, overlay.pages, strict=True):
            page.add_overlay(stamp)
        with out.open_outline() as outline:
            outline.root.clear()
            current = None
            for e in toc:
                item = pikepdf.OutlineItem(e["label"], pages[e["anchor"]] - 1) if e["anchor"] in pages else None
                if item is None:
                    continue
                if e["level"] == 1 or current is None:
                    outline.root.append(item)
                    current = item
                else:
                    current.children.append(item)
        meta = render.register_meta(doc)
        out.docinfo["/Title"] = meta["title"]
        out.docinfo["/Author"] = meta["author"]
        out.docinfo["/Subject"] = meta["description"]
        out.docinfo["/Creator"] = "GDPR register"
        out.docinfo["/CreationDate"] = _pdf_date(meta["created"])
        out.docinfo["/ModDate"] = _pdf_date(meta["modified"])
        buf = io.BytesIO()
        out.save(buf, deterministic_id=True)
        return buf.getvalue()
