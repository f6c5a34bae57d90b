"""Every client's DPA annex rendered by a pool of forked workers, reusing unchanged annexes from a content cache."""

import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from registry.pdf import assemble, documents, render

# Workers are replaced after this many annexes: WeasyPrint only returns memory when a process ends,
# so recycling keeps the batch's memory flat however many clients there are.
TASKS_PER_WORKER = 250


def annex_key(doc: dict) -> str:
    """Content key of one annex: its printed data, the templates and the stylesheet."""
    data = json.dumps({k: v for k, v in doc.items() if k != "L"}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((render.templates_version() + data).encode("utf-8")).hexdigest()


def annex_filename(client_id: int, name: str) -> str:
    """A safe file name: only the client's id and an ASCII slug of its name (never a path from user text)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40]
    return f"annex-{client_id:05d}{'-' + slug if slug else ''}.pdf"


def _render_annex(job: tuple[dict, str, str]) -> tuple[str, int]:
    """Worker: template -> PDF into the cache, then copied to the output path."""
    doc, cached, target = job
    tmp = f"{cached}.{os.getpid()}.tmp"
    render.layout(render.annex_html(doc)).write_pdf(tmp)
    os.replace(tmp, cached)
    shutil.copyfile(cached, target)
    return target, doc["client_id"]


def export_annexes(session: Session, org_id: int, out_dir: Path, cache_dir: Path, workers: int = 2,
                   on_done: Callable[[int], None] | None = None, lang: str | None = None) -> list[Path]:
    """Write one annex per client controller of the organisation into `out_dir`; returns the files written."""
    out_dir = Path(out_dir)
    cache_dir = Path(cache_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    snap = documents.load(session, org_id)
    written: list[Path] = []

    jobs: list[tuple[dict, str, str]] = []
    for client in snap.clients:
        doc = documents.annex(snap, client, lang)
        target = out_dir / annex_filename(client.id, client.legal_name)
        cached = cache_dir / f"annex-{annex_key(doc)}.pdf"
        written.append(target)
        if cached.exists():
            shutil.copyfile(cached, target)
            if on_done:
                on_done(1)
        else:
            jobs.append((doc, str(cached), str(target)))

    if workers > 1:
        with assemble.pool(workers, TASKS_PER_WORKER) as p:
            for _ in p.imap_unordered(_render_annex, jobs, chunksize=2):
                if on_done:
                    on_done(1)
    else:
        for job in jobs:
            _render_annex(job)
            if on_done:
                on_done(1)
    return sorted(written)
