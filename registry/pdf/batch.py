"""Every client's DPA annex rendered by a pool of forked workers, reusing unchanged annexes from a content cache."""

import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from registry.pdf import assemble, documents, render

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
    return hashlib.sha256((render.templates_version() + data).encode("utf-8")).hexdigest()


def annex_filename(client_id: int, name: str) -> str:
    """A safe file name: only the client's id and an ASCII slug of its name (never a path from user text)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40]
    return f"annex-{client_id:05d}{'-' + slug if slug else ''}.pdf"


def _annex_job(index: int) -> tuple[str, str]:
    """One client: build its annex data, reuse the cached PDF for the same content or render it, copy it out."""
    batch = _BATCH
    client = batch.snap.clients[index]
    doc = documents.annex(batch.snap, client, batch.lang)
    cached = batch.cache_dir / f"annex-{annex_key(doc)}.pdf"
    target = batch.out_dir / annex_filename(client.id, client.legal_name)
    if not cached.exists():
        tmp = f"{cached}.{os.getpid()}.tmp"
        render.layout(render.annex_html(doc)).write_pdf(tmp)
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
            with assemble.pool(workers, TASKS_PER_WORKER) as p:
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
    assemble.prune(cache_dir, used)
    return sorted(written)
