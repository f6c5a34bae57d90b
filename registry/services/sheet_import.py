"""Import a workbook into an organisation: our own layout, or the CNIL's simplified register; one transaction.

The workbook is read within bounds (sheet_files), recognised by its sheets, mapped, and every record goes
through the same validating models as the JSON import. Problems are named by sheet and cell. The caller
commits (or, for a dry run or a preview, rolls back).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlmodel import Session

from registry.models import Activity, Breach, ClientController, Organisation, SecurityMeasure, SubProcessor
from registry.services import cnil_sheet, exchange, sheets
from registry.services.sheet_files import read_workbook
from registry.services.sheets import SheetRefused


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do): the layout, records by action, problems by cell."""

    layout: str
    created: list[str] = field(default_factory=list)
    updated: list[tuple[str, dict]] = field(default_factory=list)  # record, {field: (old, new)}
    problems: list[str] = field(default_factory=list)


def _is_empty(session: Session, org: Organisation) -> bool:
    return all(
        session.execute(select(func.count()).select_from(model).where(model.organisation_id == org.id)).scalar_one() == 0
        for model in (Activity, ClientController, SubProcessor, SecurityMeasure, Breach)
    )


def import_workbook(session: Session, org: Organisation, content: bytes, translations: list[Callable[[str], str]],
                    actor: str = "import-sheet", progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Read a workbook and write its records into `org`; flush only. Refused (by sheet and cell) when unreadable.

    `progress(done, total)` is called after each activity of a CNIL workbook (the shell draws a bar with it).
    """
    book = read_workbook(content)
    found = sheets.recognise(list(book), translations)
    if found is not None:
        if not _is_empty(session, org):
            raise SheetRefused("file", f"a workbook of our layout imports into an empty organisation; {org.slug!r} already "
                                       "has records (import it under a new organisation, or use export-json/import-json)")
        doc = sheets.document(book, found, translations)
        try:
            exchange.import_records(session, org, doc, actor)
        except exchange.ImportRefused as exc:
            raise SheetRefused(exc.where, exc.message) from None
        report = ImportReport("ours")
        report.created = [f"{key}: {len(doc.get(key) or [])}" for key in ("activities", "clients", "subprocessors",
                          "transfers", "retention_rules", "measures", "breaches", "subprocessor_changes")]
        return report
    layout = cnil_sheet.recognise(book)
    if layout is None:
        raise SheetRefused("file", "neither our export layout nor the CNIL's register template: no sheet of activities "
                                   "and no fiche (a sheet with 'Nom du traitement' in column A) was found")
    report = ImportReport("cnil")
    cnil_sheet.apply(session, org, book, layout, report, actor, progress)
    return report
