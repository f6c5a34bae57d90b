"""The register, the DPA annexes and the sub-processor list as PDF: units, contents, chunked and batch rendering."""

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from markupsafe import Markup
from sqlmodel import Session

from registry.pdf import annex_documents, documents, parallel
from registry.pdf.render import ProjectFetcher, html_to_pdf, layout, render_template, templates_version
from registry.services.flags import flags_for_subprocessors

# Client blocks of the processor record printed per unit (a unit starts on a new page).
CLIENTS_PER_UNIT = 12
CHUNK_WEIGHT = 24
UNIT_WEIGHT = {"activity": 1, "section": 1, "clients": 3, "subprocessors": 6}


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
    # Only sub-processors in force are the current list; planned and retired ones follow under their own headings.
    groups = [{"heading": None, "anchor": None, "rows": doc["subprocessors"]}]
    for key, anchor in (("planned_subprocessors", "sec-subprocessors-planned"),
                        ("retired_subprocessors", "sec-subprocessors-retired")):
        if doc[key]:
            groups.append({"heading": f"3.{len(groups)} {L[key]}", "anchor": anchor, "rows": doc[key]})
    section(3, L["subprocessor_list"], L["subprocessor_list_ref"], "sec-subprocessors", kind="subprocessors",
            groups=groups)
    toc.extend({"level": 2, "label": g["heading"], "anchor": g["anchor"]} for g in groups[1:])
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
                 chunked: bool | None = None, fetcher: ProjectFetcher | None = None,
                 on_total: Callable[[int], None] | None = None, on_done: Callable[[int], None] | None = None) -> bytes:
    """The Art. 30 register of an organisation as PDF bytes (the web download and the CLI call this).

    Small registers render as one document; large ones in content-keyed chunks across `workers`
    processes, reused from `cache_dir` when unchanged (see chunked_register). Run a large one outside a
    web request: WeasyPrint only returns memory when its process ends. Progress, for a job: `on_total(n)`
    once (one unit per chunk and one for the assembly; 1 for a single render), then `on_done(k)` as units end.
    """
    doc = documents.register(documents.load(session, org_id), lang)
    units, toc = register_body(doc)
    if chunked is None:
        chunked = len(units) > CHUNK_WEIGHT
    if not chunked:
        if on_total:
            on_total(1)
        data = html_to_pdf(register_html(doc, [render_unit(doc, u) for u in units], toc), fetcher)
        if on_done:
            on_done(1)
        return data
    if on_total:
        on_total(len(chunks_of(units)) + 1)
    data = chunked_register(doc, units, toc, cache_dir=cache_dir, workers=workers, fetcher=fetcher, on_done=on_done)
    if on_done:
        on_done(1)
    return data


def annex_meta(doc: dict) -> dict:
    L = doc["L"]
    return {"title": f"{L['annex_title']} — {doc['controller']['name']}", "author": doc["processor"]["name"],
            "description": L["annex_subtitle"], "created": doc["as_of_iso"], "modified": doc["as_of_iso"]}


def annex_html(doc: dict) -> str:
    return render_template("pdf/annex.html", doc=doc, lang=doc["lang"], meta=annex_meta(doc))


def annex_pdf(session: Session, org_id: int, client_id: int, lang: str | None = None,
              fetcher: ProjectFetcher | None = None) -> bytes:
    """The DPA annexes (laid out after 2021/915) for one client controller, in the client's language (for a web download)."""
    snap, client = documents.load_for_client(session, org_id, client_id)
    return html_to_pdf(annex_html(annex_documents.annex(snap, client, lang)), fetcher)


def subprocessors_html(doc: dict) -> str:
    L = doc["L"]
    meta = {"title": f"{L['sublist_title']} — {doc['org']['name']}", "author": doc["org"]["name"],
            "description": L["sublist_subtitle"], "created": doc["generated_at_iso"],
            "modified": doc["generated_at_iso"]}
    return render_template("pdf/subprocessors.html", doc=doc, lang=doc["lang"], meta=meta)


def subprocessors_pdf(session: Session, org_id: int, lang: str, fetcher: ProjectFetcher | None = None) -> bytes:
    """The sub-processor list for auditors with the compliance flags of the domain rules."""
    snap = documents.load(session, org_id)
    flags = flags_for_subprocessors(session, snap.org, snap.subprocessors)
    return html_to_pdf(subprocessors_html(documents.subprocessor_list(snap, lang, flags)), fetcher)



def unit_key(unit: dict) -> str:
    """A unit's content key: its data (the labels come with the language)."""
    data = json.dumps(unit, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def register_chunks(doc: dict, units: list[dict]) -> list[tuple[str, Callable[[], str]]]:
    """The body's chunks in print order: each one's content key and a function that builds its HTML."""
    # A chunk's HTML must hold nothing that changes between editions of the same content (no date, no
    # fingerprint): its key is the templates' version, the language and organisation, and its units' data.
    chunk_meta = {"title": doc["L"]["register_title"], "author": doc["org"]["name"], "description": "",
                  "created": "", "modified": ""}
    context = unit_key({"v": templates_version(), "lang": doc["lang"], "org": doc["org"]})

    def chunk(g):
        key = hashlib.sha256("".join([context, *(unit_key(u) for u in g)]).encode()).hexdigest()
        return key, lambda: render_template("pdf/units.html", lang=doc["lang"], meta=chunk_meta,
                                                   units=[render_unit(doc, u) for u in g])

    return [chunk(g) for g in chunks_of(units)]


@dataclass
class RegisterPlan:
    """A chunked register split for the task queue: chunks in print order, and those the cache lacks."""

    chunks: int
    missing: list[tuple[str, Callable[[], str]]]


def plan_register(session: Session, org_id: int, lang: str, cache_dir: Path) -> RegisterPlan | None:
    """The chunks a register's edition must render (None when it renders as one document)."""
    doc = documents.register(documents.load(session, org_id), lang)
    units, _toc = register_body(doc)
    if len(units) <= CHUNK_WEIGHT:
        return None
    chunks = register_chunks(doc, units)
    missing, seen = [], set()
    for key, make_html in chunks:
        if key not in seen and parallel.cached(Path(cache_dir) / f"{key}.pdf") is None:
            missing.append((key, make_html))
        seen.add(key)
    return RegisterPlan(len(chunks), missing)


def render_chunk(key: str, html: str, cache_dir: Path) -> None:
    """Lay out one chunk into the cache (a task of a fanned-out register)."""
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    parallel.render_chunk_job((key, html, str(Path(cache_dir) / f"{key}.pdf")))


def chunked_register(doc: dict, units: list[dict], toc: list[dict], cache_dir: Path | None = None,
                     workers: int = 2, fetcher=None, on_done: Callable[[int], None] | None = None) -> bytes:
    """Render the body in cached chunks, then the cover and contents with the known page numbers, then join."""
    with tempfile.TemporaryDirectory(prefix="register-") as tmp:
        cache = Path(cache_dir) if cache_dir else Path(tmp)
        parts = parallel.render_chunks(register_chunks(doc, units), cache, workers, fetcher, on_done=on_done)
        body_pages = sum(meta["pages"] for _, meta in parts)

        def front(front_pages: int):
            pages, offset = {}, front_pages
            for _, meta in parts:
                for name, index in meta["anchors"].items():
                    pages.setdefault(name, offset + index + 1)
                offset += meta["pages"]
            html = register_html(doc, [], toc, pages={e["anchor"]: pages.get(e["anchor"], "?") for e in toc})
            return layout(html, fetcher, page_numbers=False), pages

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
            parallel.prune(cache, {count_file.name, *(n for p, _ in parts for n in (p.name, f"{p.name}.json"))})
        total = len(front_doc.pages) + body_pages
        out = pikepdf.Pdf.open(io.BytesIO(front_doc.write_pdf()))
        for path, _ in parts:
            with pikepdf.Pdf.open(path) as src:
                out.pages.extend(src.pages)
        overlay = parallel.page_number_overlay(total)
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
        meta = register_meta(doc)
        out.docinfo["/Title"] = meta["title"]
        out.docinfo["/Author"] = meta["author"]
        out.docinfo["/Subject"] = meta["description"]
        out.docinfo["/Creator"] = "GDPR register"
        out.docinfo["/CreationDate"] = parallel.pdf_date(meta["created"])
        out.docinfo["/ModDate"] = parallel.pdf_date(meta["modified"])
        buf = io.BytesIO()
        out.save(buf, deterministic_id=True)
        return buf.getvalue()



# Workers are replaced after this many annexes: WeasyPrint only returns memory when a process ends,
# so recycling keeps the batch's memory flat however many clients there are.
TASKS_PER_WORKER = 250


@dataclass
class _Batch:
    snap: documents.Snapshot
    out_dir: Path
    cache_dir: Path
    lang: str | None


# Set in the parent before the pool forks: workers read the loaded snapshot from their copy of the
# parent's memory, so the per-client work (data, template, layout) all runs in parallel.
_BATCH: _Batch | None = None


def annex_key(doc: dict) -> str:
    """Content key of one annex: its printed data, the templates and the stylesheet."""
    data = json.dumps({k: v for k, v in doc.items() if k != "L"}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((templates_version() + data).encode("utf-8")).hexdigest()


def annex_filename(client_id: int, name: str) -> str:
    """A safe file name: only the client's id and an ASCII slug of its name (never a path from user text)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40]
    return f"annex-{client_id:05d}{'-' + slug if slug else ''}.pdf"


def _annex_job(index: int) -> tuple[str, str]:
    """One client: build its annex data, reuse the cached PDF for the same content or render it, copy it out."""
    batch = _BATCH
    client = batch.snap.clients[index]
    doc = annex_documents.annex(batch.snap, client, batch.lang)
    cached = batch.cache_dir / f"annex-{annex_key(doc)}.pdf"
    target = batch.out_dir / annex_filename(client.id, client.legal_name)
    if not cached.exists():
        tmp = f"{cached}.{os.getpid()}.tmp"
        layout(annex_html(doc)).write_pdf(tmp)
        os.replace(tmp, cached)
    shutil.copyfile(cached, target)
    return str(target), cached.name


def export_annexes(session: Session, org_id: int, out_dir: Path, cache_dir: Path, workers: int = 2,
                   on_done: Callable[[int], None] | None = None, lang: str | None = None) -> list[Path]:
    """Write one annex per client controller of the organisation into `out_dir`; returns the files written."""
    global _BATCH
    out_dir, cache_dir = Path(out_dir), Path(cache_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    _BATCH = _Batch(documents.load(session, org_id), out_dir, cache_dir, lang)
    written: list[Path] = []
    used: set[str] = set()
    try:
        indexes = range(len(_BATCH.snap.clients))
        if workers > 1 and len(indexes) > 1:
            with parallel.pool(workers, TASKS_PER_WORKER) as p:
                results = p.imap_unordered(_annex_job, indexes, chunksize=4)
                for path, name in results:
                    written.append(Path(path))
                    used.add(name)
                    if on_done:
                        on_done(1)
        else:
            for i in indexes:
                path, name = _annex_job(i)
                written.append(Path(path))
                used.add(name)
                if on_done:
                    on_done(1)
    finally:
        _BATCH = None
    parallel.prune(cache_dir, used)
    return sorted(written)


def annex_group(session: Session, org_id: int, client_ids: list[int], cache_dir: Path, lang: str | None = None):
    """One group of a fanned-out annex batch: yields (file name in the batch, cached file name) per client, in
    the given order, rendering only what the content-keyed cache lacks; None for a client deleted meanwhile."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    snap = documents.load_for_clients(session, org_id, client_ids)
    clients = {c.id: c for c in snap.clients}
    for client_id in client_ids:
        client = clients.get(client_id)
        if client is None:
            yield None
            continue
        doc = annex_documents.annex(snap, client, lang)
        cached = cache_dir / f"annex-{annex_key(doc)}.pdf"
        if not cached.exists():
            tmp = f"{cached}.{os.getpid()}.{threading.get_ident()}.tmp"
            layout(annex_html(doc)).write_pdf(tmp)
            os.replace(tmp, cached)
        yield annex_filename(client.id, client.legal_name), cached.name
