"""Shell commands for spreadsheets: `export-sheet` (our layout, .xlsx or .ods) and `import-sheet` (ours or the CNIL's)."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.cli.common import org_or_fail, run_action, terminal_safe
from registry.db import get_session
from registry.i18n import translator


@click.command("export-sheet")
@click.option("--org", "slug", required=True, help="Slug of the organisation to export.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write: FILE.xlsx (Excel) or FILE.ods (OpenDocument).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the headings (our layout; the CNIL layout is in French, the template's language).")
@click.option("--layout", type=click.Choice(["ours", "cnil"]), default="ours", show_default=True,
              help="ours: one sheet per area, typed cells, filters (imports back losslessly). cnil: the CNIL's "
                   "simplified register, the list of activities then one fiche per activity, as handed to an inspector.")
@click.option("--with-personal-data", is_flag=True,
              help="Include data-subject requesters' names and contacts (left out by default: Art. 5(1)(c)).")
@with_appcontext
def export_sheet_command(slug: str, output: str, lang: str, layout: str, with_personal_data: bool) -> None:
    """Write the organisation's register as a workbook, in our layout or in the CNIL's register template.

    Our layout's Requests sheet leaves out requesters' names and contacts unless --with-personal-data; the CNIL
    layout holds no requests."""
    suffix = Path(output).suffix.lower()
    if suffix not in (".xlsx", ".ods"):
        raise click.BadParameter("the file must end in .xlsx or .ods", param_hint="-o")
    org = org_or_fail(slug)
    if layout == "cnil":
        from registry.services.cnil_export import cnil_grids
        from registry.services.sheet_files import write_grids_ods, write_grids_xlsx

        grids = cnil_grids(get_session(), org)
        content = write_grids_xlsx(grids) if suffix == ".xlsx" else write_grids_ods(grids)
        summary = f"{len(grids) - 1} fiches and the list of activities"
    else:
        from registry.services.sheet_files import write_ods, write_xlsx
        from registry.services.sheets import workbook_tables

        tables = workbook_tables(get_session(), org, translator(lang), with_personal_data)
        content = write_xlsx(tables) if suffix == ".xlsx" else write_ods(tables)
        summary = f"{sum(len(t[2]) for t in tables)} rows on {len(tables)} sheets"
    Path(output).write_bytes(content)
    click.echo(f"Wrote {output} ({summary})", err=True)


@click.command("import-sheet")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "slug", required=True, help="Slug of the organisation to import into.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, print what would change, write nothing.")
@with_appcontext
def import_sheet_command(file: str, slug: str, dry_run: bool) -> None:
    """Import a workbook (.xlsx or .ods) of our layout or of the CNIL's register template: all of it, or nothing."""
    from registry.services.sheet_import import import_workbook

    org = org_or_fail(slug)
    content = Path(file).read_bytes()
    translations = [translator("fr"), translator("en")]
    with click.progressbar(length=1, label="activities", file=sys.stderr) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        if dry_run:
            session = get_session()
            try:
                report = import_workbook(session, org, content, translations, progress=progress)
            finally:
                session.rollback()
        else:
            report = run_action(lambda: import_workbook(get_session(), org, content, translations, progress=progress))
    for line in report.created:
        click.echo(f"create  {terminal_safe(line)}")
    for label, changes in report.updated:
        click.echo(f"update  {terminal_safe(label)}: {terminal_safe(', '.join(sorted(changes)))}")
    for problem in report.problems:
        click.echo(f"problem {terminal_safe(problem)}")
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} ({report.layout} layout): {len(report.created)} created, {len(report.updated)} updated, "
               f"{len(report.problems)} problems." + (" Nothing written." if dry_run else ""))


COMMANDS = (export_sheet_command, import_sheet_command)
