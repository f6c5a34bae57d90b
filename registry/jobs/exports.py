"""What each kind of job prints: the register, the DPA annexes (one ZIP), the sub-processor list, the breach register,
the requests register.

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


def requests(session: Session, org: Organisation, job: Job, progress: Progress, cache_dir: Path) -> Output:
    from registry.pdf.requests import request_register_pdf

    lang = job.params["lang"]
    progress.total(1)
    data = request_register_pdf(session, org, lang)
    progress.advance(1)
    return Output(data, f"requests-register-{org.slug}-{lang}.pdf")


KINDS: dict[str, Callable[[Session, Organisation, Job, Progress, Path], Output]] = {
    "register": register, "annexes": annexes, "subprocessors": subprocessors, "breaches": breaches,
    "requests": requests,
}
