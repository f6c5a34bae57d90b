"""Spreadsheets: our layout round-trips cell by cell; the CNIL template is read with its problems named by cell; bad files refused."""

import io
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.models import Activity, Organisation, RetentionRule, SecurityMeasure, Transfer
from registry.services.sheet_files import read_workbook, write_ods

SLUGS = ["pilotim", "apex-timing", "ginger-minds", "defi-informatique", "art-zone"]
PLACEHOLDER = "Sélectionnez un élément dans cette liste déroulante ►"


def count(session, model, org_slug="cnil"):
    session.expire_all()
    org_id = session.scalar(select(Organisation.id).where(Organisation.slug == org_slug))
    return session.execute(select(func.count()).select_from(model).where(model.organisation_id == org_id)).scalar_one()


# --- our layout ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_export_import_export_is_identical_cell_by_cell(runner, session, tmp_path, slug, suffix, demo, empty_org):
    first, second = tmp_path / f"first.{suffix}", tmp_path / f"second.{suffix}"
    result = runner.invoke(args=["export-sheet", "--org", slug, "-o", str(first), "--lang", "en"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import-sheet", str(first), "--org", "cnil"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["export-sheet", "--org", "cnil", "-o", str(second), "--lang", "en"]).exit_code == 0
    a, b = read_workbook(first.read_bytes()), read_workbook(second.read_bytes())
    assert list(a) == list(b)
    for sheet in a:
        assert a[sheet] == b[sheet], sheet
    assert count(session, Activity) == count(session, Activity, slug) > 0


def test_xlsx_export_has_typed_cells_frozen_header_filters_and_french_headings(runner, tmp_path, demo):
    path = tmp_path / "register.xlsx"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path), "--lang", "fr"]).exit_code == 0
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Traitements", "Finalités"]
    ws = wb["Traitements"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.startswith("A1:")
    headings = [c.value for c in ws[1]]
    assert "Référence" in headings and "Nom" in headings
    assert ws.cell(2, 1).value == 1 and ws.cell(2, 1).data_type == "n"
    assert ws.column_dimensions["C"].width >= 10
    dates = [c for row in wb["Clients"].iter_rows(min_row=2) for c in row if c.is_date]
    assert dates, "contract dates are real dates, not text"


def test_english_headings(runner, tmp_path, demo):
    path = tmp_path / "register.xlsx"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path), "--lang", "en"]).exit_code == 0
    assert load_workbook(path).sheetnames == ["Activities", "Purposes", "Clients", "Sub-processors", "Locations", "Transfers",
                                              "Retention", "Measures", "Breaches", "Changes", "Requests"]


def test_no_cell_starts_a_formula(runner, session, tmp_path, demo):
    act = session.scalar(select(Activity).join(Organisation).where(Organisation.slug == "pilotim").order_by(Activity.id))
    act.name = "＝HYPERLINK(\"http://evil.example\")"
    act.description = "=1+1"
    act.systems = "@SUM(A1)"
    session.commit()
    path = tmp_path / "register.xlsx"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path), "--lang", "en"]).exit_code == 0
    ws = load_workbook(path)["Activities"]
    names = {c.value for c in ws[2]}
    assert "'＝HYPERLINK(\"http://evil.example\")" in names and "'=1+1" in names and "'@SUM(A1)" in names
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_text_over_the_cell_limit_is_refused_naming_the_record(runner, session, tmp_path, demo):
    act = session.scalar(select(Activity).join(Organisation).where(Organisation.slug == "pilotim").order_by(Activity.id))
    act.description = "x" * 40_000
    session.commit()
    result = runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(tmp_path / "r.ods")])
    assert result.exit_code != 0
    assert f"({act.name})" in result.output and "32767" in result.output
    assert not (tmp_path / "r.ods").exists()


def test_our_layout_into_an_organisation_with_records_is_refused(runner, tmp_path, demo):
    path = tmp_path / "r.xlsx"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path)]).exit_code == 0
    result = runner.invoke(args=["import-sheet", str(path), "--org", "art-zone"])
    assert result.exit_code != 0 and "empty organisation" in result.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_exported_files_convert_in_libreoffice(runner, tmp_path, suffix, demo):
    path = tmp_path / f"register.{suffix}"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path)]).exit_code == 0
    # Each run its own LibreOffice profile: two instances sharing the default one (parallel tests) make one fail.
    profile = f"-env:UserInstallation={(tmp_path / 'libreoffice-profile').as_uri()}"
    done = subprocess.run(["soffice", profile, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path),
                           str(path)], capture_output=True, timeout=120)
    assert done.returncode == 0 and (tmp_path / "register.csv").stat().st_size > 0


# --- the CNIL layout (../shared/domain/CNIL-SPREADSHEET.md) --------------------------------------------------------


def pad(rows, width=8):
    return [list(r) + [None] * (width - len(r)) for r in rows]


def list_sheet(activities=()):
    rows = [
        [None, "Nom", "Martin", "Prénom", "Anne", "Adresse", "1 rue de la Paix", "Adresse mél", "contact@exemple.fr"],
        [None, "Code postal", "75001", "Ville", "Paris", "Téléphone", "01 02 03 04 05"],
        [None, "Nom", None], [None], [None, "Nom", "Durand", "Prénom", "Paul", None, None, "Adresse mél", "dpo@exemple.fr"],
        [None], ["Activités"], ["Nom", "N° / RÉF", "Date de création", "Mise à jour", "Finalité", None, None, "Données sensibles"],
        ["(EXEMPLE) Gestion de la paie", "1 - Exemple", "01/01/2019", "01/01/2019", "Paie", None, None, "Non"],
    ]
    rows.extend(activities)
    return pad(rows, 9)


def fiche(name, ref, *, remove=(), transfer=None, retention="5 ans à compter du versement de la paie", created="12/03/2019"):
    """A fiche as the template lays it out; `remove` drops rows by their label (as users do)."""
    rows = [
        ["Nom du traitement", name], ["N° / RÉF", ref], ["Date de création du traitement", created],
        ["Mise à jour du traitement", "15/06/2021"], [None],
        ["Acteurs", "Nom", "Adresse", "Code Postal", "Ville", "Pays", "Téléphone", "Adresse mél"],
        ["Responsable du traitement", "Exemple SAS", "1 rue de la Paix", "75001", "Paris", "France", "01 02 03 04 05", "contact@exemple.fr"],
        ["Délégué à la protection des données", "Paul Durand", None, None, None, None, "01 09 08 07 06", "dpo@exemple.fr"],
        ["Représentant"], ["Responsable(s) conjoint(s)"], [None],
        ["Finalité(s) du traitement effectué"], ["Finalité principale", "Gestion de la paie"],
        ["Sous-finalité 1", "Déclarations sociales"], ["Sous-finalité 2", None], [None],
        ["Catégories de données personnelles concernées", "Description", None, None, "Durée de conservation"],
        ["État civil, identité, données d'identification, images", "Nom, prénom, adresse", None, None, retention],
        ["Vie personnelle", PLACEHOLDER],
        ["Informations d'ordre économique et financier", "Salaire, RIB", None, None, "durée du contrat"],
        ["Numéro de Sécurité Sociale (ou NIR)", "NIR", None, None, "5 ans"],
        ["Données sensibles"], ["Données concernant la santé", "Non"], ["condamnations pénales ou infractions", None],
        ["Catégories de personnes concernées", None, None, None, "Précisions"],
        ["Catégorie de personnes 1", "Salariés"], ["Catégorie de personnes 2", PLACEHOLDER],
        ["Destinataires", None, None, None, "Précisions"],
        ["Destinataire 1", "Service interne qui traite les données", None, None, "Service RH"],
        ["Destinataire 2", "Sous-traitants", None, None, "Prestataire de paie"],
        ["Mesures de sécurité", None, None, None, "Précisions"],
        ["Mesure de sécurité 1", "Contrôle d'accès des utilisateurs", None, None, "Comptes nominatifs"],
        ["Mesure de sécurité 2", "Sauvegarde des données", None, None, "Sauvegarde quotidienne"],
        ["Transferts hors UE", "Organisme destinataire", "Pays", "Type de garanties", None, "Lien vers la documentation"],
        transfer or ["Organisme destinataire 1", None],
        ["Organisme destinataire 2", None],
    ]
    return pad([r for r in rows if not r or r[0] not in remove])


def lists_sheet():
    rows = [["Garanties", None, "Pays", "Zone"], ["Clauses contractuelles types (CCT)", None, "Allemagne", "UE"],
            ["Privacy shield", None, "Etats-Unis", "adéquat"], ["Pays adéquat", None, "Japon", "Non adéquat"],
            [None, None, "Iles FEROE", "adéquat"], [None, None, "Chine", "Non adéquat"]]
    return pad(rows, 4)


def cnil_book(fiches: dict[str, list]) -> dict[str, list]:
    book = {"Tutoriel": [["Mode d'emploi"]], "2_-_Liste_des_traitements": list_sheet(),
            "3_-_Modèle_de_fiche_de_registre": fiche(None, None, retention=None, created=None)}
    book.update(fiches)
    book["5_-_Listes"] = lists_sheet()
    return book


def as_xlsx(book) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in book.items():
        ws = wb.create_sheet(name[:31])
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_ods(book) -> bytes:
    return write_ods([(name, rows[0], rows[1:]) for name, rows in book.items()])


WRITERS = {"xlsx": as_xlsx, "ods": as_ods}


def run_import(runner, tmp_path, content, suffix, *extra):
    path = tmp_path / f"registre.{suffix}"
    path.write_bytes(content)
    return runner.invoke(args=["import-sheet", str(path), "--org", "cnil", *extra])


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_empty_cnil_template_imports_nothing_but_names_its_stale_lists(runner, session, tmp_path, suffix, empty_org):
    result = run_import(runner, tmp_path, WRITERS[suffix](cnil_book({})), suffix)
    assert result.exit_code == 0, result.output
    assert "5_-_Listes C3: 'Etats-Unis' marked adequate: only DPF-certified importers are" in result.output
    assert "5_-_Listes C4: 'Japon' marked not adequate" in result.output
    assert count(session, Activity) == 0


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_cnil_fiche_becomes_an_activity_with_problems_named_by_cell(runner, session, tmp_path, suffix, empty_org):
    book = cnil_book({"Paie": fiche("Gestion de la paie", "RH-01",
                                    transfer=["Organisme destinataire 1", "PayCloud Inc", "Etats-Unis", "Privacy shield", None, "contrat"])})
    result = run_import(runner, tmp_path, WRITERS[suffix](book), suffix)
    assert result.exit_code == 0, result.output
    assert ("fiche 'Paie' D35: 'Privacy shield' is not a valid safeguard since 16 July 2020 (CJEU C-311/18)"
            in result.output.replace("\n", " ").replace("problem ", ""))
    assert "fiche 'Paie' B19: drop-down placeholder left: read as empty" in result.output
    assert "fiche 'Paie' E20: 'durée du contrat' kept as text" in result.output
    session.expire_all()
    act = session.scalar(select(Activity).where(Activity.reference == "RH-01"))
    assert act.name == "Gestion de la paie" and act.role == "controller"
    assert [p["purpose"] for p in act.purposes] == ["Gestion de la paie", "Déclarations sociales"]
    assert {c["code"] for c in act.data_categories} == {"identity", "economic_financial", "nir"}
    assert [s["code"] for s in act.data_subjects] == ["employees"]
    assert [r["code"] for r in act.recipients] == ["internal", "processors"]
    assert {m.heading for m in act.measures} == {"access_control", "backup"}
    rule = session.scalar(select(RetentionRule).where(RetentionRule.activity_id == act.id,
                                                      RetentionRule.data_category == "identity"))
    assert (rule.kind, rule.value, rule.unit, rule.event_detail) == ("from_event", 5, "years", "versement de la paie")
    transfer = session.scalar(select(Transfer).where(Transfer.activity_id == act.id))
    assert (transfer.recipient, transfer.destination_country, transfer.mechanism) == ("PayCloud Inc", "US", None)
    org = session.scalar(select(Organisation).where(Organisation.slug == "cnil"))
    assert org.dpo_name == "Paul Durand" and org.dpo_email == "dpo@exemple.fr" and org.legal_name == "Exemple SAS"


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_duplicated_renamed_fiches_with_rows_removed_and_reimport_updates(runner, session, tmp_path, suffix, empty_org):
    book = cnil_book({
        "Paie (2)": fiche("Paie", "A-1", remove={"Sous-finalité 1", "Vie personnelle", "Destinataire 2"}),
        "Recrutement": fiche("Recrutement", "A-2", remove={"Représentant", "Données sensibles", "Mesure de sécurité 2"},
                             transfer=["Organisme destinataire 1", "Talent Ltd", "Royaume-Uni", "Pays adéquat"]),
        "Copie de 3 - Modèle": fiche("Badges", "A-3", created="le 3 mars", remove={"Acteurs", "Responsable du traitement"},
                                     transfer=["Organisme destinataire 1", "Kiosque", "Atlantide", "CCT"]),
    })
    content = WRITERS[suffix](book)
    result = run_import(runner, tmp_path, content, suffix)
    assert result.exit_code == 0, result.output
    assert "'le 3 mars' is not a date (dd/mm/yyyy)" in result.output
    assert "country 'Atlantide' does not map to a country code" in result.output
    assert count(session, Activity) == 3
    gb = session.scalar(select(Transfer).where(Transfer.recipient == "Talent Ltd"))
    assert (gb.destination_country, gb.mechanism) == ("GB", "adequacy")
    measures = count(session, SecurityMeasure)
    again = run_import(runner, tmp_path, content, suffix)
    assert again.exit_code == 0, again.output
    assert "0 created" in again.output
    assert count(session, Activity) == 3 and count(session, SecurityMeasure) == measures
    assert count(session, Transfer) == 1  # the transfer to a country that does not map is reported, not recorded


def test_dry_run_writes_nothing(runner, session, tmp_path, empty_org):
    result = run_import(runner, tmp_path, as_xlsx(cnil_book({"Paie": fiche("Paie", "A-1")})), "xlsx", "--dry-run")
    assert result.exit_code == 0 and "Would import" in result.output and "Nothing written" in result.output
    assert count(session, Activity) == 0


def test_a_fiche_the_register_refuses_rolls_back_everything(runner, session, tmp_path, empty_org):
    book = cnil_book({"Paie": fiche("Paie", "A-1"), "Badges": fiche("Badges", "REF-" + "9" * 40)})
    result = run_import(runner, tmp_path, as_xlsx(book), "xlsx")
    assert result.exit_code != 0
    assert "refused, nothing written: fiche 'Badges' B1: reference:" in result.output and "40 characters" in result.output
    assert count(session, Activity) == 0 and count(session, SecurityMeasure) == 0
    session.expire_all()
    assert session.scalar(select(Organisation).where(Organisation.slug == "cnil")).dpo_name is None


def test_list_sheet_rows_without_fiche_become_activities(runner, session, tmp_path, empty_org):
    book = cnil_book({})
    book["2_-_Liste_des_traitements"] = list_sheet([["Vidéosurveillance", "VS-1", "01/02/2020", "pas une date",
                                                     "Sécurité des locaux, preuve"]])
    result = run_import(runner, tmp_path, as_xlsx(book), "xlsx")
    assert result.exit_code == 0, result.output
    assert "2_-_Liste_des_traitements D10: 'pas une date' is not a date" in result.output
    session.expire_all()
    act = session.scalar(select(Activity).where(Activity.reference == "VS-1"))
    assert [p["purpose"] for p in act.purposes] == ["Sécurité des locaux", "preuve"]


# --- refusals -----------------------------------------------------------------------------------------------------


def refused(runner, session, tmp_path, content, suffix="xlsx"):
    result = run_import(runner, tmp_path, content, suffix)
    assert result.exit_code != 0
    assert "refused, nothing written" in result.output or "Error" in result.output
    assert count(session, Activity) == 0
    return result.output


def test_not_a_spreadsheet_is_refused(runner, session, tmp_path, empty_org):
    assert "not a spreadsheet" in refused(runner, session, tmp_path, b"%PDF-1.7 hello")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "not a spreadsheet" in refused(runner, session, tmp_path, out.getvalue())


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_truncated_file_is_refused(runner, session, tmp_path, suffix, empty_org):
    content = WRITERS[suffix](cnil_book({"Paie": fiche("Paie", "A-1")}))
    assert "malformed or truncated" in refused(runner, session, tmp_path, content[: len(content) // 2], suffix)


def test_sheet_expanding_past_the_bound_is_refused(runner, session, tmp_path, empty_org):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b" " * (250 * 1024 * 1024))
    assert "workbook bomb" in refused(runner, session, tmp_path, out.getvalue())


def test_huge_declared_dimensions_are_refused(runner, session, tmp_path, empty_org):
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Nom du traitement"
    ws.cell(row=1_000_000, column=1, value="x")
    out = io.BytesIO()
    wb.save(out)
    assert "workbook bomb" in refused(runner, session, tmp_path, out.getvalue())


def test_dates_of_the_demo_are_real_dates_in_ods(runner, tmp_path, demo):
    path = tmp_path / "r.ods"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path), "--lang", "en"]).exit_code == 0
    sheets = read_workbook(path.read_bytes())
    assert any(isinstance(v, date) for row in sheets["Clients"][1:] for v in row)


def _patched(content: bytes, member: str, old: bytes, new: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info)
            z.writestr(info, data.replace(old, new, 1) if info.filename == member else data)
    return out.getvalue()


@pytest.mark.parametrize("rows,columns", [(200_000, 3), (1_000_000, 16_000)])
def test_ods_repeated_cells_expanding_past_the_bound_are_refused(runner, session, tmp_path, rows, columns, empty_org):
    """A few bytes of ODS can declare a cell repeated over millions of rows and columns: refused, nothing written."""
    content = _patched(as_ods(cnil_book({})), "content.xml", b'<table:table-row><table:table-cell office:value-type="string">',
                       f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
                       f'table:number-columns-repeated="{columns}" office:value-type="string">'.encode())
    assert len(content) < 100_000
    refused(runner, session, tmp_path, content, "ods")


def test_the_cnil_example_fiche_is_named_not_imported(runner, session, tmp_path, empty_org):
    book = cnil_book({"4_-_Exemple_de_fiche": fiche("Gestion de la paie", "1 - Exemple"), "Paie": fiche("Paie", "P-1")})
    result = run_import(runner, tmp_path, as_ods(book), "ods")
    assert result.exit_code == 0, result.output
    assert "fiche '4_-_Exemple_de_fiche': the CNIL's example fiche, not imported" in result.output
    session.expire_all()
    assert [a.reference for a in session.scalars(select(Activity).join(Organisation).where(Organisation.slug == "cnil"))] == ["P-1"]


def test_a_french_export_imports_back_identically(runner, session, tmp_path, demo, empty_org):
    first, second = tmp_path / "a.ods", tmp_path / "b.ods"
    assert runner.invoke(args=["export-sheet", "--org", "ginger-minds", "-o", str(first), "--lang", "fr"]).exit_code == 0
    result = runner.invoke(args=["import-sheet", str(first), "--org", "cnil"])
    assert result.exit_code == 0 and "(ours layout)" in result.output, result.output
    assert runner.invoke(args=["export-sheet", "--org", "cnil", "-o", str(second), "--lang", "fr"]).exit_code == 0
    assert read_workbook(first.read_bytes()) == read_workbook(second.read_bytes())
