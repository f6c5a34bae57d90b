"""What each kind of job prints: the register, the DPA annexes (one ZIP), the sub-processor list, the breach register.

Each function reads the organisation through the task's session, reports its units to `progress` and returns
the file's bytes, its extension and the name the download gets.
"""

import io
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from registry.models import Job, Organisation


@dataclass
class Output:
    data: bytes
    name: str  # the download's file name


class Progress:
    """The units of one job: `total(n)` once, then `advance(k)`; raises `Stopped` once the job is cancelled."""

    def total(self, n: int) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def advance(self, k: int = 1) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class Stopped(Exception):
    """The job was cancelled (or declared lost) while it ran: its work is thrown away."""


def register(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from registry.pdf.register import register_pdf

    lang = job.params["lang"]
    # One process per task: the queue's workers are the parallelism (a pool inside a worker would nest).
    data = register_pdf(session, org.id, lang, cache_dir=cache_dir / "register" / f"{org.id}-{lang}", workers=1,
                        on_total=progress.total, on_done=progress.advance)
    return Output(data, f"register-{org.slug}-{lang}.pdf")


def annexes(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from sqlalchemy import func, select

    from registry.models import ClientController
    from registry.pdf.register import export_annexes

    lang = job.params.get("lang")
    progress.total(session.execute(select(func.count()).select_from(ClientController)
                                   .where(ClientController.organisation_id == org.id)).scalar_one())
    with tempfile.TemporaryDirectory(prefix="annexes-") as tmp:
        files = export_annexes(session, org.id, Path(tmp), cache_dir / "annexes" / f"{org.id}-{lang or 'client'}",
                               workers=1, on_done=progress.advance, lang=lang)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
            for path in files:
                archive.write(path, path.name)
    return Output(buf.getvalue(), f"annexes-{org.slug}{'-' + lang if lang else ''}.zip")


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


class ImportRefused(Exception):
    """A confirmed import that the register refused after all (it changed since the preview): nothing was written."""


def imports_dir(exports_root: Path) -> Path:
    """Where a confirmed workbook waits for its worker: beside the exports, which every worker can read."""
    return exports_root / "imports"


def import_sheet(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    """Import a previewed workbook in one transaction (committed here), one unit per fiche; the file it returns is the
    import's report: what was created and updated, and each problem at its sheet and cell."""
    from registry.i18n import translator
    from registry.services.sheet_import import import_workbook
    from registry.services.sheets import SheetRefused

    source = imports_dir(cache_dir.parent) / str(org.id) / f"{job.params['token']}.bin"
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
    "import_sheet": import_sheet,
}
