"""DPA annexes (2021/915 shape) per client controller, in the client's language, and the batch command."""

from pdftext import flat, pages_text
from sqlalchemy import select

from registry.models import ClientController, SubProcessor
from registry.pdf import register


def client_named(session, org, name):
    return session.execute(
        select(ClientController).where(ClientController.organisation_id == org.id, ClientController.legal_name == name)
    ).scalar_one()


def test_pilotim_english_annex_lists_every_subprocessor_and_the_us_transfers_with_their_safeguard(session, demo):
    org = demo("pilotim")
    client = client_named(session, org, "Demo Estates Brussels (fictional)")
    text = flat(" ".join(pages_text(register.annex_pdf(session, org.id, client.id))))
    for heading in ("Annex I — List of parties", "Annex II — Description of the processing",
                    "Annex III — Technical and organisational measures", "Annex IV — List of authorised sub-processors"):
        assert heading in text
    names = session.execute(select(SubProcessor.legal_name).where(SubProcessor.organisation_id == org.id)).scalars()
    for name in names:
        assert flat(name) in text
    for recipient in ("OpenAI, L.L.C. → United States", "Google Ireland Limited → United States"):
        assert f"{recipient} — Standard contractual clauses (2021/914)" in text
    assert text.count("Module 3: processor to processor") == 2
    assert "Implementing Decision (EU) 2021/915" in text


def test_french_client_gets_its_annex_in_french(session, demo):
    org = demo("pilotim")
    client = client_named(session, org, "Agence Démo du Beffroi (fictive)")
    text = flat(" ".join(pages_text(register.annex_pdf(session, org.id, client.id))))
    assert "Annexe IV — Liste des sous-traitants ultérieurs autorisés" in text
    assert "Module 3 : sous-traitant à sous-traitant" in text


def test_annexes_command_writes_one_annex_per_client_and_reuses_unchanged_ones(runner, demo, tmp_path):
    demo("pilotim")
    out = tmp_path / "annexes"
    result = runner.invoke(args=["export-pdf", "annexes", "--org", "pilotim", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("*.pdf"))
    assert [f.name for f in files] == ["annex-00001-agence-demo-du-beffroi-fictive.pdf",
                                       "annex-00002-immobiliere-demo-des-flandres-fictive.pdf",
                                       "annex-00003-demo-estates-brussels-fictional.pdf"]
    first = {f.name: f.read_bytes() for f in files}
    again = runner.invoke(args=["export-pdf", "annexes", "--org", "pilotim", "-o", str(out)])
    assert again.exit_code == 0 and "3 annexes" in again.output
    assert {f.name: f.read_bytes() for f in sorted(out.glob("*.pdf"))} == first


def test_export_pdf_refuses_an_unknown_organisation(runner, tmp_path):
    result = runner.invoke(args=["export-pdf", "register", "--org", "nobody", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "--org" in result.output
    assert not (tmp_path / "x.pdf").exists()
