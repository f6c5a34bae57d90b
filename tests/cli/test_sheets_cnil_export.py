"""export-sheet --layout cnil: the CNIL's register form (list sheet, one fiche per activity, in French) that a DPO hands
an inspector; our CNIL importer reads it back into the same activities; no cell starts a formula; LibreOffice opens it."""

import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.domain.subprocessors import hops_up
from registry.models import Activity, Organisation, SubProcessor, Transfer
from registry.services.sheet_files import read_workbook


def activities(session, slug):
    session.expire_all()
    return {a.reference: a for a in session.scalars(select(Activity).join(Organisation).where(Organisation.slug == slug))}


def transfers(session, act):
    """The activity's transfers out of the EU: its own, and those its sub-processors (or the hops below them) make."""
    parents = dict(session.execute(select(SubProcessor.id, SubProcessor.parent_id)
                                   .where(SubProcessor.organisation_id == act.organisation_id)).all())
    subs = {s.id for s in act.subprocessors}
    rows = session.scalars(select(Transfer).where(Transfer.organisation_id == act.organisation_id,
                                                  Transfer.destination_country.is_not(None)))
    return sorted((t.recipient, t.destination_country, t.mechanism, t.document_reference) for t in rows
                  if t.activity_id == act.id or (t.subprocessor_id and subs & set(hops_up(parents, t.subprocessor_id))))


def what_the_fiche_carries(session, act):
    """An activity as the CNIL's fiche holds it (the template has no role, no legal-basis codes, no DPIA)."""
    return {
        "name": act.name,
        "purposes": [p["purpose"] for p in act.purposes],
        "categories": sorted((c["code"], c.get("detail")) for c in act.data_categories),
        "subjects": sorted((s["code"], s.get("detail")) for s in act.data_subjects),
        "recipients": sorted([(r["code"], r.get("detail")) for r in act.recipients]
                             + [("processors", s.legal_name) for s in act.subprocessors]),
        "measures": sorted((m.heading, m.title) for m in act.measures),
        "transfers": transfers(session, act),
        "joint_controller": act.joint_controller,
    }


@pytest.mark.parametrize("slug", ["pilotim", "ginger-minds"])
@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_cnil_layout_imports_back_into_the_same_activities(runner, session, tmp_path, demo, empty_org, slug, suffix):
    path = tmp_path / f"registre.{suffix}"
    result = runner.invoke(args=["export-sheet", "--org", slug, "-o", str(path), "--layout", "cnil"])
    assert result.exit_code == 0, result.output
    original = activities(session, slug)
    sheets = read_workbook(path.read_bytes())
    names = list(sheets)
    assert names[0] == "2 - Liste des traitements" and len(names) == len(original) + 1
    for name in names[1:]:
        assert sheets[name][0][:1] == ["Nom du traitement"] and sheets[name][1][0] == "N° / RÉF"
    listed = [row[1] for row in sheets[names[0]][8:]]
    assert sorted(listed) == sorted(original)

    result = runner.invoke(args=["import-sheet", str(path), "--org", "cnil"])
    assert result.exit_code == 0 and "(cnil layout)" in result.output, result.output
    imported = activities(session, "cnil")
    assert sorted(imported) == sorted(original)
    carried = {}
    for ref, act in original.items():
        carried[ref] = what_the_fiche_carries(session, act)
        assert what_the_fiche_carries(session, imported[ref]) == carried[ref], ref
    held = {"pilotim": ("purposes", "subjects", "recipients", "measures", "transfers"),  # a processor: no categories
            "ginger-minds": ("purposes", "categories", "subjects", "recipients", "measures")}
    for part in held[slug]:
        assert any(c[part] for c in carried.values()), part  # the comparison is not of empty lists
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    copy = session.scalar(select(Organisation).where(Organisation.slug == "cnil"))
    for name in ("legal_name", "address", "contact_email", "dpo_name", "dpo_email", "dpo_phone"):
        assert getattr(copy, name) == getattr(org, name) or getattr(org, name) is None, name


def test_a_fiche_reads_as_the_template_in_french(runner, session, tmp_path, demo):
    path = tmp_path / "registre.xlsx"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path), "--layout", "cnil",
                               "--lang", "en"]).exit_code == 0
    wb = load_workbook(path)
    act = min(activities(session, "pilotim").values(), key=lambda a: a.reference)
    ws = wb[wb.sheetnames[1]]
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    for label in ("Nom du traitement", "Acteurs", "Responsable du traitement", "Délégué à la protection des données",
                  "Finalité principale", "Catégories de données personnelles concernées", "Données sensibles",
                  "Catégories de personnes concernées", "Destinataires", "Mesures de sécurité", "Transferts hors UE"):
        assert label in labels, label
    assert (ws["B1"].value, ws["B2"].value) == (act.name, act.reference)
    assert ws["B3"].is_date and ws["B3"].number_format == "dd/mm/yyyy"
    assert ws["B3"].value.date() == act.created_at.date()


def test_no_cell_starts_a_formula_and_the_import_takes_the_quote_off(runner, session, tmp_path, demo, empty_org):
    act = min(activities(session, "pilotim").values(), key=lambda a: a.reference)
    act.name = "=HYPERLINK(\"http://evil.example\")"
    act.purposes = [{**act.purposes[0], "purpose": "+33 1 02 03 04 05"}, *act.purposes[1:]]
    act.joint_controller = "@SUM(A1)"
    session.commit()
    path = tmp_path / "registre.xlsx"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path), "--layout", "cnil"]).exit_code == 0
    wb = load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=HYPERLINK(\"http://evil.example\")" in texts and "'+33 1 02 03 04 05" in texts and "'@SUM(A1)" in texts
    assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert runner.invoke(args=["import-sheet", str(path), "--org", "cnil"]).exit_code == 0
    back = activities(session, "cnil")[act.reference]
    assert back.name == act.name and back.purposes[0]["purpose"] == "+33 1 02 03 04 05" and back.joint_controller == "@SUM(A1)"


def test_a_text_longer_than_a_cell_is_refused_naming_the_activity(runner, session, tmp_path, demo):
    act = min(activities(session, "pilotim").values(), key=lambda a: a.reference)
    act.joint_controller = None
    act.purposes = [{**act.purposes[0], "purpose": "x" * 40_000}]
    session.commit()
    result = runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(tmp_path / "r.ods"), "--layout", "cnil"])
    assert result.exit_code != 0
    assert f"activity {act.reference} ({act.name})" in result.output and "32767" in result.output
    assert not (tmp_path / "r.ods").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_the_cnil_layout_converts_in_libreoffice(runner, tmp_path, suffix, demo):
    path = tmp_path / f"registre.{suffix}"
    assert runner.invoke(args=["export-sheet", "--org", "pilotim", "-o", str(path), "--layout", "cnil"]).exit_code == 0
    profile = f"-env:UserInstallation={(tmp_path / 'libreoffice-profile').as_uri()}"
    done = subprocess.run(["soffice", profile, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "registre.csv").read_text(encoding="utf-8", errors="replace")
    assert "Responsable du traitement" in text  # the first sheet, the list of activities
