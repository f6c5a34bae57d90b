"""`python -m benchmarks sheets [--fiches N] [--database URL]`: import a CNIL-layout workbook of N fiches (default 1,000)
into an empty organisation, then export that organisation in our layout and import the workbook into another empty
organisation; each import's baseline is reading the same workbook alone (python-calamine), measured in the same run.
A fresh SQLite database unless --database names an empty one (e.g. a PostgreSQL database made for the run)."""

import argparse
import io
import os
import tempfile
import time
from pathlib import Path


def workbook(fiches: int) -> bytes:
    """A CNIL register with `fiches` filled fiches (the template's labels, one activity each)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for n in range(1, fiches + 1):
        ws = wb.create_sheet(f"Fiche {n}")
        for row in (
            ["Nom du traitement", f"Traitement {n}"], ["N° / RÉF", f"B-{n:05d}"],
            ["Date de création du traitement", "12/03/2019"],
            ["Responsable du traitement", "Exemple SAS", "1 rue de la Paix", "75001", "Paris", "France", None,
             "contact@exemple.fr"],
            ["Finalité(s) du traitement effectué"], ["Finalité principale", f"Finalité {n}"], ["Sous-finalité 1", "Suivi"],
            ["Catégories de données personnelles concernées"],
            ["État civil, identité, données d'identification, images", "Nom", None, None, "5 ans à compter de la fin du contrat"],
            ["Informations d'ordre économique et financier", "RIB", None, None, "durée du contrat"],
            ["Catégories de personnes concernées"], ["Catégorie de personnes 1", "Clients"],
            ["Destinataires"], ["Destinataire 1", "Sous-traitants", None, None, "Hébergeur"],
            ["Mesures de sécurité"], ["Mesure de sécurité 1", "Chiffrement des données", None, None, "TLS"],
            ["Transferts hors UE"], ["Organisme destinataire 1", "Support Ltd", "Royaume-Uni", "Pays adéquat"],
        ):
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks sheets")
    parser.add_argument("--fiches", type=int, default=1000)
    parser.add_argument("--database", help="URL of an empty database (default: a new SQLite file)")
    args = parser.parse_args(argv)
    from registry import create_app
    from registry.db import get_session
    from registry.i18n import translator
    from registry.models import Organisation
    from registry.services.sheet_files import read_workbook, write_xlsx
    from registry.services.sheet_import import import_workbook
    from registry.services.sheets import workbook_tables

    content = workbook(args.fiches)
    translations = [translator("fr"), translator("en")]
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "DATABASE_URL": args.database or f"sqlite:///{Path(tmp) / 'bench.db'}",
                          "REGISTRY_BOOTSTRAP_ADMIN": False, "SECRET_KEY": "benchmark",
                          "REGISTRY_AUDIT_KEY_FILE": str(Path(tmp) / "audit.key"),
                          "REGISTRY_AUDIT_HEAD_FILE": str(Path(tmp) / "audit-head.log")})
        with app.app_context():
            session = get_session()
            cnil_org = Organisation(slug="bench-cnil", legal_name="Bench", country="FR")
            ours_org = Organisation(slug="bench-ours", legal_name="Bench", country="FR")
            session.add_all([cnil_org, ours_org])
            session.commit()
            print(f"database: {session.get_bind().dialect.name}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(f"CNIL layout: {args.fiches} fiches, {len(content):,} bytes")
            _measure(session, cnil_org, content, translations, read_workbook, import_workbook)
            ours = write_xlsx(workbook_tables(session, cnil_org, translator("en")))
            print(f"our layout (the same register exported): {len(ours):,} bytes")
            _measure(session, ours_org, ours, translations, read_workbook, import_workbook)
    return 0


def _measure(session, org, content: bytes, translations, read_workbook, import_workbook) -> None:
    start = time.perf_counter()
    read_workbook(content)
    read = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    report = import_workbook(session, org, content, translations)
    session.commit()
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  read alone (baseline): {read:.2f} s")
    print(f"  import and commit:     {total:.2f} s  ({total / read:.1f} x the read; {len(report.created)} lines created, "
          f"{len(report.problems)} problems)")
    # On a shared machine the wall time includes waiting for a core; the CPU time is this process's own work.
    print(f"  CPU time of the import: {cpu:.2f} s; load average {os.getloadavg()[0]:.1f}")
