"""What each kind of job prints: the register, the DPA annexes (one ZIP), the sub-processor list, the breach register,
the requests register.

Each function reads the organisation through the task's session, reports its units to `progress` and returns
the file's bytes, its extension and the name the download gets.

The register in chunks and the annex batch also fan out (FANNED): `plan` splits the job into parts, one task
each, that any worker of the installation may take (one per uncached chunk, one per group of annexes); each
`part` leaves its work in the shared cache and, for annexes, a small list in the job's parts folder; the task of
the last part to finish runs `assemble`, which writes the file once.
"""

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlmodel import Session

from registry.models import Job, Organisation


@dataclass
class Output:
    """What an export made: its bytes, or (a large file, never held in memory) a file of the job's work folder."""

    data: bytes | None
    name: str  # the download's file name
    path: Path | None = None


class Progress:
    """The units of one job: `total(n)` once, then `advance(k)`; raises `Stopped` once the job is cancelled."""

    def total(self, n: int) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def advance(self, k: int = 1) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class Stopped(Exception):
    """The job was cancelled (or declared lost) while it ran: its work is thrown away."""


@dataclass
class Places:
    """Folders every worker sees: the content-keyed render cache, and this job's parts (deleted once it ends)."""

    cache: Path
    work: Path


@dataclass
class Fan:
    """A job split into parts: each part is the argument of one task (ids or a content key); the job counts
    `total` units, `done` of them already (cached); the parts together bring `done` up to `expected`."""

    parts: list
    total: int
    done: int
    expected: int


def _register_cache(cache_dir: Path, org: Organisation, lang: str) -> Path:
    return cache_dir / "register" / f"{org.id}-{lang}"


def _annex_cache(cache_dir: Path, org: Organisation, lang: str | None) -> Path:
    return cache_dir / "annexes" / f"{org.id}-{lang or 'client'}"


def register(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from registry.pdf.register import register_pdf

    lang = job.params["lang"]
    # One process per task: the queue's workers are the parallelism (a pool inside a worker would nest).
    data = register_pdf(session, org.id, lang, cache_dir=_register_cache(cache_dir, org, lang), workers=1,
                        on_total=progress.total, on_done=progress.advance)
    return Output(data, f"register-{org.slug}-{lang}.pdf")


def annexes(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from sqlalchemy import func

    from registry.models import ClientController
    from registry.pdf.register import export_annexes

    lang = job.params.get("lang")
    progress.total(session.execute(select(func.count()).select_from(ClientController)
                                   .where(ClientController.organisation_id == org.id)).scalar_one())
    with tempfile.TemporaryDirectory(prefix="annexes-") as tmp:
        files = export_annexes(session, org.id, Path(tmp), _annex_cache(cache_dir, org, lang),
                               workers=1, on_done=progress.advance, lang=lang)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for path in files:
                archive.write(path, path.name)
    return Output(buf.getvalue(), _annexes_name(org, lang))


def _annexes_name(org: Organisation, lang: str | None) -> str:
    return f"annexes-{org.slug}{'-' + lang if lang else ''}.zip"


def subprocessors(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from registry.pdf.register import subprocessors_pdf

    lang = job.params["lang"]
    progress.total(1)
    data = subprocessors_pdf(session, org.id, lang)
    progress.advance(1)
    return Output(data, f"subprocessors-{org.slug}-{lang}.pdf")


def breaches(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from registry.pdf.breaches import breach_register_pdf

    lang = job.params["lang"]
    progress.total(1)
    data = breach_register_pdf(session, org, lang)
    progress.advance(1)
    return Output(data, f"breach-register-{org.slug}-{lang}.pdf")


def requests(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from registry.pdf.requests import request_register_pdf

    lang = job.params["lang"]
    progress.total(1)
    data = request_register_pdf(session, org, lang)
    progress.advance(1)
    return Output(data, f"requests-register-{org.slug}-{lang}.pdf")


class ImportRefused(Exception):
    """A confirmed import that the register refused after all (it changed since the preview): nothing was written."""


def exports_dir(app: Flask) -> Path:
    """Where finished files wait for their download: REGISTRY_EXPORTS_DIR, shared by every worker and web server."""
    return Path(app.config.get("EXPORTS_DIR") or Path(app.instance_path) / "exports")


def cache_dir(app: Flask) -> Path:
    """The content-keyed render cache: REGISTRY_CACHE_DIR, else `cache` in the exports folder; every worker of a
    fanned-out job reads what the others rendered there."""
    return Path(app.config.get("CACHE_DIR") or exports_dir(app) / "cache")


def imports_dir(exports_root: Path) -> Path:
    """Where a confirmed workbook waits for its worker: beside the exports, which every worker can read."""
    return exports_root / "imports"


def import_sheet(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    """Import a previewed workbook in one transaction (committed here), one unit per fiche; the file it returns is the
    import's report: what was created and updated, and each problem at its sheet and cell."""
    from registry.i18n import translator
    from registry.services.sheet_import import import_workbook
    from registry.services.sheets import SheetRefused

    source = imports_dir(exports_dir(current_app)) / str(org.id) / f"{job.params['token']}.bin"
    content = source.read_bytes()
    started = False

    def units(done: int, total: int) -> None:
        nonlocal started
        if not started:
            progress.total(total)
            started = True
        progress.advance(1)

    try:
        report = import_workbook(session, org, content, [translator("fr"), translator("en")],
                                 actor=job.params.get("actor") or "import-sheet", progress=units)
    except SheetRefused as exc:
        session.rollback()
        source.unlink(missing_ok=True)
        raise ImportRefused(exc.summary()) from None
    except Stopped:  # cancelled while the fiches were read: nothing was written
        session.rollback()
        source.unlink(missing_ok=True)
        raise
    session.commit()
    source.unlink(missing_ok=True)
    lines = [f"{report.layout} layout: {len(report.created)} created, {len(report.updated)} updated, "
             f"{len(report.problems)} problems"]
    lines += [f"create  {line}" for line in report.created]
    lines += [f"update  {label}: {', '.join(sorted(changes))}" for label, changes in report.updated]
    lines += [f"problem {problem}" for problem in report.problems]
    return Output("\n".join(lines).encode("utf-8") + b"\n", f"import-{org.slug}-{job.id}.txt")


KINDS: dict[str, Callable[[Session, Organisation, Job, Progress, Path], Output]] = {
    "register": register, "annexes": annexes, "subprocessors": subprocessors, "breaches": breaches,
    "requests": requests,
    "import_sheet": import_sheet,
}


def _write(path: Path, text: str) -> None:
    """Write a file other machines read: whole or not at all."""
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


class FannedRegister:
    """A chunked register: one task per chunk the cache lacks (its HTML waits in the parts folder), then the
    cover, contents, page numbers and outline by the last one (the chunks come from the cache)."""

    KEY = re.compile(r"[0-9a-f]{64}")

    @staticmethod
    def plan(session: Session, org: Organisation, job: Job, places: Places, per_task: int) -> Fan | None:
        from registry.pdf.register import plan_register

        plan = plan_register(session, org.id, job.params["lang"], _register_cache(places.cache, org, job.params["lang"]))
        if plan is None or len(plan.missing) < 2:  # one document, or one chunk to render: no gain in splitting
            return None
        places.work.mkdir(parents=True, exist_ok=True)
        for key, make_html in plan.missing:
            _write(places.work / f"{key}.html", make_html())
        # One unit per chunk and one for the assembly, as in a single process.
        return Fan([key for key, _ in plan.missing], plan.chunks + 1, plan.chunks - len(plan.missing), plan.chunks)

    @classmethod
    def part(cls, session: Session, org: Organisation, job: Job, part, progress: Progress, places: Places) -> None:
        from registry.pdf.register import render_chunk

        if not cls.KEY.fullmatch(str(part)):
            raise ValueError("not a chunk key")
        html = (places.work / f"{part}.html").read_text(encoding="utf-8")
        render_chunk(part, html, _register_cache(places.cache, org, job.params["lang"]))
        progress.advance(1)

    @staticmethod
    def assemble(session: Session, org: Organisation, job: Job, places: Places) -> Output:
        from registry.pdf.register import register_pdf

        lang = job.params["lang"]
        # Reads the register again: a chunk changed meanwhile is rendered here, so the file is the register as it is.
        data = register_pdf(session, org.id, lang, cache_dir=_register_cache(places.cache, org, lang), workers=1,
                            chunked=True)
        return Output(data, f"register-{org.slug}-{lang}.pdf")


class FannedAnnexes:
    """The annex batch: one task per group of clients (REGISTRY_ANNEXES_PER_TASK), each leaving its annexes in
    the cache and their names in the parts folder; the last one writes the ZIP."""

    @staticmethod
    def plan(session: Session, org: Organisation, job: Job, places: Places, per_task: int) -> Fan | None:
        from registry.models import ClientController

        ids = list(session.execute(select(ClientController.id).where(ClientController.organisation_id == org.id)
                                   .order_by(ClientController.id)).scalars())
        if len(ids) <= per_task:
            return None
        places.work.mkdir(parents=True, exist_ok=True)
        return Fan([ids[i:i + per_task] for i in range(0, len(ids), per_task)], len(ids), 0, len(ids))

    @staticmethod
    def part(session: Session, org: Organisation, job: Job, part, progress: Progress, places: Places) -> None:
        from registry.pdf.register import annex_group

        client_ids = [int(i) for i in part]
        lang = job.params.get("lang")
        written = []
        for n, item in enumerate(annex_group(session, org.id, client_ids, _annex_cache(places.cache, org, lang), lang)):
            if item is not None:
                written.append(item)
            if n < len(client_ids) - 1:
                progress.advance(1)
        # The group's last unit is counted once its list is written: the part that completes the job finds every list.
        _write(places.work / f"annexes-{client_ids[0]}.json", json.dumps(written))
        progress.advance(1)

    @staticmethod
    def assemble(session: Session, org: Organisation, job: Job, places: Places) -> Output:
        from registry.pdf.parallel import prune

        lang = job.params.get("lang")
        cache = _annex_cache(places.cache, org, lang)
        files: dict[str, str] = {}
        for listed in places.work.glob("annexes-*.json"):
            files.update(json.loads(listed.read_text(encoding="utf-8")))
        # Written to a file, annex by annex: 2,000 annexes held in memory made the assembling worker the largest.
        target = places.work / "annexes.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for name in sorted(files):
                archive.write(cache / files[name], name)
        prune(cache, set(files.values()))
        return Output(None, _annexes_name(org, lang), path=target)


FANNED = {"register": FannedRegister, "annexes": FannedAnnexes}
