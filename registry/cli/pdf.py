"""`flask --app app export-pdf register|annexes|subprocessors|breaches|breach|requests --org SLUG -o PATH --lang fr|en`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.cli.common import org_or_fail
from registry.db import get_session

LANG = click.Choice(["fr", "en"])




def _cache_dir(kind: str, org_id: int, lang: str | None) -> Path:
    """One cache directory per organisation and language: each is pruned to what its last export used."""
    return Path(current_app.instance_path) / "pdf-cache" / kind / f"{org_id}-{lang or 'client'}"


def _write(path: Path, data: bytes) -> None:
    """Write next to the target then rename, so a failed export never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)


@click.group("export-pdf")
def export_pdf() -> None:
    """Print the register, the DPA annexes, the sub-processor list, the breach documents or the requests register
    as PDF."""


@export_pdf.command("register")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=LANG, default="fr", show_default=True)
@click.option("--here", is_flag=True, help="Run the job in this process instead of sending it to a worker.")
@with_appcontext
def register_command(slug: str, output: Path, lang: str, here: bool) -> None:
    """The Art. 30 register (controller and processor records, sub-processors), printed as a job by a worker
    (`flask --app app worker`) with a progress bar, or in this process with --here."""
    from registry.cli.jobs import run_job_from_shell
    from registry.services.jobs import request_job

    session = get_session()
    job, _created = request_job(session, org_or_fail(slug).id, None, "register", {"lang": lang})
    session.commit()
    run_job_from_shell(job, output, here)


@export_pdf.command("annexes")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--lang", type=LANG, default=None, help="Force a language (default: each client's own).")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True)
@with_appcontext
def annexes_command(slug: str, output: Path, lang: str | None, workers: int) -> None:
    """One DPA annex (laid out after 2021/915) per client controller, rendered in parallel."""
    from sqlalchemy import func, select

    from registry.models import ClientController
    from registry.pdf.register import export_annexes

    org_id = org_or_fail(slug).id
    session = get_session()
    total = session.execute(
        select(func.count()).select_from(ClientController).where(ClientController.organisation_id == org_id)
    ).scalar_one()
    with click.progressbar(length=total, label="Annexes", file=sys.stderr) as bar:
        files = export_annexes(session, org_id, output, _cache_dir("annexes", org_id, lang), workers=workers,
                               on_done=bar.update, lang=lang)
    click.echo(f"{len(files)} annexes in {output}")


@export_pdf.command("subprocessors")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=LANG, default="fr", show_default=True)
@with_appcontext
def subprocessors_command(slug: str, output: Path, lang: str) -> None:
    """The sub-processor list for auditors, with the compliance flags."""
    from registry.pdf.register import subprocessors_pdf

    data = subprocessors_pdf(get_session(), org_or_fail(slug).id, lang)
    _write(output, data)
    click.echo(f"{output} ({len(data) // 1024} KiB)")


@export_pdf.command("breaches")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=LANG, default="fr", show_default=True)
@with_appcontext
def breaches_command(slug: str, output: Path, lang: str) -> None:
    """The Art. 33(5) breach register: every breach of the organisation, notified or not."""
    from registry.pdf.breaches import breach_register_pdf

    data = breach_register_pdf(get_session(), org_or_fail(slug), lang)
    _write(output, data)
    click.echo(f"{output} ({len(data) // 1024} KiB)")


@export_pdf.command("breach")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("--breach", "reference", required=True, help="Reference of the breach.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--lang", type=LANG, default="fr", show_default=True, help="Language of the CNIL draft and the letter.")
@with_appcontext
def breach_command(slug: str, reference: str, output: Path, lang: str) -> None:
    """One breach's documents: the CNIL draft, the data-subject letter, and a notice per affected client
    (each in the client's language)."""
    from registry.pdf import breaches as pdf
    from registry.services.breaches import get_breach

    breach = get_breach(get_session(), org_or_fail(slug).id, reference)
    if breach is None:
        raise click.BadParameter(f"no breach {reference!r} in {slug} (see `flask --app app breaches list`)",
                                 param_hint="--breach")
    files = {f"cnil-{lang}.pdf": pdf.cnil_draft_pdf(breach, lang),
             f"subjects-{lang}.pdf": pdf.subject_communication_pdf(breach, lang)}
    for client in breach.clients:
        files[f"client-{client.id}-{client.language}.pdf"] = pdf.client_notice_pdf(breach, client)
    for name, data in files.items():
        _write(output / name, data)
    click.echo(f"{len(files)} documents in {output}")


@export_pdf.command("requests")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=LANG, default="fr", show_default=True)
@click.option("--here", is_flag=True, help="Run the job in this process instead of sending it to a worker.")
@with_appcontext
def requests_command(slug: str, output: Path, lang: str, here: bool) -> None:
    """The register of data-subject requests (Arts. 12, 15-22): each request's deadline, answer and relay, without
    requesters' names and contacts; printed as a job by a worker, or in this process with --here."""
    from registry.cli.jobs import run_job_from_shell
    from registry.services.jobs import request_job

    session = get_session()
    job, _created = request_job(session, org_or_fail(slug).id, None, "requests", {"lang": lang})
    session.commit()
    run_job_from_shell(job, output, here)


COMMANDS = (export_pdf,)
