"""DPA annexes (2021/915 shape) per client controller, in the client's language, and the batch command."""

import re

import pytest
from pdftext import flat, layout_text, pages_text
from sqlalchemy import select

from registry.models import Activity, ClientController, SubProcessor
from registry.models.subprocessors import SubProcessorCreate
from registry.pdf import register
from registry.services.changes import propose_subprocessor


def client_named(session, org, name):
    return session.execute(
        select(ClientController).where(ClientController.organisation_id == org.id, ClientController.legal_name == name)
    ).scalar_one()


def only_client(session, org):
    return session.execute(select(ClientController).where(ClientController.organisation_id == org.id)).scalar_one()


def test_pilotim_english_annex_lists_every_subprocessor_and_the_us_transfers_with_their_safeguard(session, demo):
    org = demo("pilotim")
    client = client_named(session, org, "Demo Estates Brussels (fictional)")
    text = flat(" ".join(pages_text(register.annex_pdf(session, org.id, client.id))))
    for heading in ("Annex I — List of parties", "Annex II — Description of the processing",
                    "Annex III — Technical and organisational measures", "Annex IV — List of sub-processors"):
        assert heading in text
    names = session.execute(select(SubProcessor.legal_name).where(SubProcessor.organisation_id == org.id)).scalars()
    for name in names:
        assert flat(name) in text
    for recipient in ("OpenAI, L.L.C. → United States", "Google LLC → United States"):  # Google LLC: level 2
        assert f"{recipient} — Standard contractual clauses (2021/914)" in text
    assert text.count("Module 3: processor to processor") == 2
    # The annex follows the 2021/915 model's structure; it does not present itself as those clauses.
    assert "Implementing Decision (EU) 2021/915" in text and "this document is not those clauses" in text
    assert "According to the standard contractual clauses" not in text
    # PILOTIM's clients gave a general authorisation (its terms, art. 9): Annex IV may say so.
    assert "The controller has authorised the use of the following sub-processors" in text


def test_french_client_gets_its_annex_in_french(session, demo):
    org = demo("pilotim")
    client = client_named(session, org, "Agence Démo du Beffroi (fictive)")
    text = flat(" ".join(pages_text(register.annex_pdf(session, org.id, client.id))))
    assert "Annexe IV — Liste des sous-traitants ultérieurs" in text
    assert "Module 3 : sous-traitant à sous-traitant" in text


@pytest.mark.parametrize(("lang", "missing", "none_words"), [
    ("fr", "⚠ Non renseigné", r"\baucune?\b"),
    ("en", "⚠ Not recorded", r"\b(none|no sensitive)\b"),
])
def test_annex_of_a_client_whose_activities_record_no_data_category_says_not_recorded_never_none(
        session, demo, lang, missing, none_words):
    org = demo("art-zone")  # its processing activity records neither data subjects nor data categories
    text = layout_text(register.annex_pdf(session, org.id, only_client(session, org).id, lang))
    annex_2 = text[text.index("Annex" + ("e" if lang == "fr" else "") + " II"):]
    data_rows = annex_2[: annex_2.index("Nature d" if lang == "fr" else "Nature of")]
    assert data_rows.count(missing) == 3  # data subjects, data categories, sensitive data
    assert not re.search(none_words, data_rows, re.IGNORECASE)
    # Its contract has no end date recorded: the annex does not say it runs without one.
    assert re.search(r"(Fin du contrat|End of the contract)\s*:\s*" + missing, text)
    assert not re.search(r"sans terme|no end date set", text)


def test_annex_prints_every_2021_915_item_from_the_register_or_as_not_recorded(session, demo):
    org = demo("art-zone")
    text = layout_text(register.annex_pdf(session, org.id, only_client(session, org).id, "en"))
    # Annex I: the contact person's name is recorded, the position and signature date are not.
    assert re.search(r"Contact person's name, position\s+Name: Lou Exemple · Position: ⚠ Not recorded", text)
    assert len(re.findall(r"Signature and accession date\s+⚠ Not recorded", text)) == 2
    # Annex II: duration from the contract dates; sub-processing listed (none engaged for this client).
    assert re.search(r"Duration of the processing\s+Start of the contract: May 12, 2025", text)
    assert "Processing by sub-processors" in text
    # Annex III: no measure is linked to the activity, and the register has no field for the measures to assist.
    assert re.search(r"Technical and organisational\s+⚠ Not recorded", text)
    assert re.search(r"Specific measures taken to be able\s+⚠ Not recorded", text)
    # Annex IV: ART ZONE's terms grant no authorisation (art. 21), so the annex does not claim one.
    assert "has authorised" not in text and re.search(r"\(Authorisation: ⚠ Not recorded\)", text)


def test_annex_says_no_sensitive_category_only_among_recorded_categories(session, demo):
    org = demo("art-zone")
    activity = session.execute(select(Activity).where(Activity.reference == "AZ-S-01")).scalar_one()
    activity.data_categories = [{"code": "identity"}]
    session.commit()
    text = layout_text(register.annex_pdf(session, org.id, only_client(session, org).id, "en"))
    assert re.search(r"Sensitive data processed \(if\s+None among the recorded data categories\.", text)


def test_planned_subprocessor_is_not_listed_among_the_authorised_ones(session, demo):
    org = demo("pilotim")
    planned = propose_subprocessor(session, org, SubProcessorCreate(legal_name="Hébergeur Prévu SAS (fictif)",
                                                                    service="Hébergement de secours"), "dpo@demo")
    activity = session.execute(
        select(Activity).where(Activity.organisation_id == org.id, Activity.reference == "PIL-S-01")).scalar_one()
    activity.subprocessors.append(planned)
    session.commit()
    client = client_named(session, org, "Demo Estates Brussels (fictional)")
    text = flat(" ".join(pages_text(register.annex_pdf(session, org.id, client.id))))
    current, _, planned_part = text.partition("Planned sub-processors, not yet in force")
    assert "Hébergeur Prévu SAS" in planned_part and "Hébergeur Prévu SAS" not in current
    assert "17. YouSign" in current and "18." not in current.split("Annex IV")[-1]


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
