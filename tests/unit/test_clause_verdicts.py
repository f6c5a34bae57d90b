"""Verdicts of the clause checker on short clauses written here, apart from the seeds and the development corpus.

Each case is wording a real DPA could use that the first rules missed or over-read: party-attributed instructions,
abbreviated articles, passive breach notices, restrictions later in a clause, negations, duties left to the
processor's discretion, controller-side texts and definitions. Every verdict must name its rule and quote its text.
"""

import pytest

from registry.domain.contracts.check import check_lines
from registry.domain.contracts.segment import SourceLine, passages, segment


def lines(text: str) -> list[SourceLine]:
    return [SourceLine(None, i, t) for i, t in enumerate(text.splitlines(), 1)]


def verdict(text: str, code: str):
    return next(v for v in check_lines(lines(text)).items if v.code == code)


@pytest.mark.parametrize("text,code,expected", [
    ("Vendor will only process Customer Personal Data for the purposes of providing the Services and in accordance "
     "with Customer's instructions.", "art28_3_a", "present"),
    ("Supplier shall process the personal data only as instructed by the Customer.", "art28_3_a", "present"),
    ("Le Sous-traitant ne traite les données personnelles que sur instruction du Client.", "art28_3_a", "present"),
    ("Vendor will process personal data only to provide the Services.", "art28_3_a", "weak"),
    ("Processor shall ensure that its personnel engaged in the processing of personal data are informed of the "
     "confidential nature of the personal data.", "art28_3_b", "present"),
    ("Les collaborateurs du Prestataire ayant accès aux données personnelles sont soumis à une obligation de "
     "confidentialité.", "art28_3_b", "present"),
    ("Vendor will implement and maintain administrative, physical and technical safeguards to protect Customer "
     "Personal Data.", "art28_3_c", "present"),
    ("Customer may object to a new sub-processor within 10 days (personal data).", "art28_2", "present"),
    ("Processor shall ensure that each Sub-processor is bound by a written agreement that provides at least the same "
     "level of protection for personal data as this DPA.", "art28_4", "present"),
    ("Vendor will require each Sub-processor to comply with obligations consistent with this DPA regarding personal "
     "data.", "art28_4", "weak"),
    ("Le Sous-traitant doit aider le Responsable de traitement à s'acquitter de son obligation de donner suite aux "
     "demandes d'exercice des droits des personnes concernées (données personnelles).", "art28_3_e", "present"),
    ("Lorsque les personnes concernées exercent auprès du sous-traitant des demandes d'exercice de leurs droits, le "
     "sous-traitant doit adresser ces demandes dès réception au responsable de traitement.", "art28_3_e", "weak"),
    ("Processor shall assist the Controller in ensuring compliance with Art. 32-36 GDPR as regards personal data.",
     "art28_3_f", "present"),
    ("Processor shall provide reasonable assistance to Customer with any data protection impact assessments and prior "
     "consultations with supervisory authorities regarding personal data.", "art28_3_f", "present"),
    ("Customer is responsible for its data protection impact assessments and any prior consultation with the "
     "supervisory authority (personal data).", "art28_3_f", "missing"),
    ("Upon termination of the Agreement, Processor shall, at Customer's election, return or delete all personal data.",
     "art28_3_g", "present"),
    ("Within 30 days after the end of the Services, Vendor will delete all Customer Personal Data.", "art28_3_g", "weak"),
    ("At Customer's request, Vendor will delete the personal data at the end of the Services.", "art28_3_g", "weak"),
    ("Au terme de la prestation, le sous-traitant s'engage à détruire toutes les données à caractère personnel ou à les "
     "renvoyer au responsable de traitement, selon le choix de ce dernier.", "art28_3_g", "present"),
    ("Customer (or its independent auditor) may audit Vendor's compliance with this DPA regarding personal data.",
     "art28_3_h", "present"),
    ("Le Client dispose d'un droit d'audit sur les traitements de données personnelles réalisés par le Prestataire.",
     "art28_3_h", "present"),
    ("Customer will be notified without undue delay of any Personal Data Breach.", "art33_2", "present"),
    ("Le Prestataire informe le Client de tout incident de sécurité affectant les données personnelles dans les 48 "
     "heures.", "art33_2", "present"),
    ("Any transfer of personal data to a third country is made under the SCCs.", "transfers", "present"),
    ("Le sous-traitant déclare tenir par écrit un registre de toutes les catégories d'activités de traitement "
     "effectuées pour le compte du responsable de traitement (données personnelles).", "art30_2", "present"),
])
def test_wording_the_rules_were_not_written_on_gets_its_verdict_with_rule_and_quote(text, code, expected):
    v = verdict(text, code)
    assert v.verdict == expected
    if expected != "missing":
        assert v.rule and v.quote and v.line == 1


def test_breach_rule_reads_inform_as_a_word_not_inside_information():
    v = verdict("The Customer shall receive information on the security measures applied to personal data.", "art33_2")
    assert v.verdict == "missing"


def test_a_restriction_later_in_the_clause_lowers_audits_to_weak_and_is_quoted():
    text = ("## 9. Audits\nCustomer may audit Vendor's compliance with this DPA, including by inspections, regarding "
            "personal data.\nThe parties agree that such audit rights shall be satisfied by Vendor providing its most "
            "recent SOC 2 Type II report.")
    v = verdict(text, "art28_3_h")
    assert v.verdict == "weak"
    assert v.rule == "en_audits_inspections+en_audit_limited_to_reports"
    assert "including by inspections" in v.quote and "SOC 2 Type II report" in v.quote


def test_the_same_restriction_in_another_clause_does_not_lower_the_audit_right():
    text = ("## 9. Audits\nCustomer may audit Vendor's compliance with this DPA, including by inspections, regarding "
            "personal data.\n## 10. Certifications\nSecurity questionnaire audit rights shall be satisfied by reports.")
    assert verdict(text, "art28_3_h").verdict == "present"


def test_flow_down_of_only_security_and_confidentiality_is_weak():
    text = ("Vendor shall ensure that any sub-processor adheres to the same data security and confidentiality "
            "obligations as set forth in this agreement for personal data.")
    v = verdict(text, "art28_4")
    assert (v.verdict, v.rule) == ("weak", "en_same_obligations+en_flow_down_similar_only")


@pytest.mark.parametrize("text,code", [
    ("Processor is not obliged to assist Customer with requests from data subjects regarding personal data.",
     "art28_3_e"),
    ("The processing is not of a nature which makes it necessary for the Processor to assist with data subject "
     "requests (personal data).", "art28_3_e"),
])
def test_a_negated_undertaking_is_only_weak(text, code):
    v = verdict(text, code)
    assert v.verdict == "weak" and v.rule.endswith("+negated")


def test_a_duty_left_to_the_processors_discretion_is_only_weak():
    v = verdict("Vendor may, at its discretion, assist Customer with data subject requests regarding personal data.",
                "art28_3_e")
    assert v.verdict == "weak" and v.rule.endswith("+discretionary")


def test_an_obligation_split_over_two_sentences_of_a_clause_is_present_and_quotes_both():
    text = ("## 9. Authorities\nVendor shall assist Customer with data protection impact assessments for personal data. "
            "Vendor shall also take part in prior consultations with the supervisory authority.")
    v = verdict(text, "art28_3_f")
    assert v.verdict == "present" and v.rule == "en_articles_32_to_36+next_sentence"
    assert "impact assessments" in v.quote and "prior consultations" in v.quote


def test_sentences_of_two_different_clauses_are_not_joined():
    text = ("## 9. Assistance\nVendor shall assist Customer with data protection impact assessments for personal data.\n"
            "## 10. Authorities\nVendor shall also take part in prior consultations with the supervisory authority.")
    assert verdict(text, "art28_3_f").verdict == "weak"


def test_a_controller_side_text_binds_no_processor_so_every_item_is_missing_with_its_quote():
    text = ("Article 5 – Données personnelles\nLe responsable du traitement est la Direction du numérique. Elle met en "
            "œuvre les mesures techniques et organisationnelles appropriées pour garantir la sécurité des données.\n"
            "En cas de violation de données, la Direction informe la CNIL dans les 72 heures.")
    v = verdict(text, "art28_3_c")
    assert v.verdict == "missing" and v.rule == "fr_mesures_article_32+controller_side_text" and v.quote
    assert all(i.verdict == "missing" for i in check_lines(lines(text)).items)


def test_a_text_where_the_author_acts_as_processor_is_not_controller_side():
    text = ("L'Administration est responsable de traitement et l'Éditeur agit en qualité de sous-traitant.\n"
            "L'Éditeur met en œuvre les mesures techniques et organisationnelles appropriées (données personnelles).")
    assert verdict(text, "art28_3_c").verdict == "present"


def test_a_definition_is_never_evidence():
    text = ('"Sub-processor" means any processor engaged by Vendor who processes personal data on the documented '
            "instructions of Customer.")
    assert verdict(text, "art28_3_a").verdict == "missing"


def test_rules_read_an_untitled_sub_clause_under_its_parents_heading():
    text = ("## 6. Sub-processors\n6.1 Vendor uses the providers listed on its website for personal data.\n"
            "6.2 Customer may object within ten days of a notice.")
    ps = passages(segment(lines(text)))
    assert ps[-1].scope.startswith("sub-processors 6.2 :: ")
    assert verdict(text, "art28_2").verdict == "present"


def test_a_run_in_bold_heading_is_the_clause_title_and_the_rest_is_its_text():
    clauses = segment(lines("**6.5 Objection Rights.** If Customer objects to a new Sub-processor, it may terminate."))
    assert (clauses[0].number, clauses[0].title) == ("6.5", "Objection Rights")
    assert clauses[0].passages[0].text.startswith("If Customer objects")


def test_each_table_row_is_a_passage_and_separator_rows_are_dropped():
    text = "Sub-processors:\n| Name | Country |\n|---|---|\n| Alpha Hosting | Ireland |\n| Beta Mail | France |"
    texts = [p.text for p in passages(segment(lines(text)))]
    assert texts == ["Sub-processors:", "| Name | Country |", "| Alpha Hosting | Ireland |", "| Beta Mail | France |"]
