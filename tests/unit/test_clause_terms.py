"""Terms and named sub-processors read from short French and English clauses written for these tests.

Periods in words and figures, business days kept apart, notice vs objection windows, breach delays whatever the
event is called, conflicts with both quotes; sub-processors from tables and lists, and no non-name.
"""

import pytest

from registry.domain.contracts.check import check_lines
from registry.domain.contracts.numbers import BUSINESS_DAY, DAY, HOUR, periods
from registry.domain.contracts.segment import SourceLine, fold


def check(text: str):
    return check_lines([SourceLine(None, i, t) for i, t in enumerate(text.splitlines(), 1)])


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("within ten (10) days", 10, DAY),
    ("thirty (30) days", 30, DAY),
    ("trois (3) jours ouvrés", 3, BUSINESS_DAY),
    ("quinze jours", 15, DAY),
    ("dans les 28 (vingt-huit) jours", 28, DAY),
    ("not less than 15 business days", 15, BUSINESS_DAY),
    ("a 10-business-day window", 10, BUSINESS_DAY),
    ("five working days", 5, BUSINESS_DAY),
    ("soixante-douze (72) heures", 72, HOUR),
    ("forty-eight hours", 48, HOUR),
    ("vingt et un jours calendaires", 21, DAY),
])
def test_periods_are_read_in_words_and_figures_with_their_unit(text, value, unit):
    assert [(p.value, p.unit) for p in periods(fold(text))] == [(value, unit)]


def test_a_figure_without_a_unit_is_not_a_period():
    assert periods(fold("Article 28 (3) of the GDPR, version 2.5")) == []


SUBPROCESSOR_CLAUSE = """## 6. Sub-processors
The Processor shall notify the Customer of any new Sub-processor at least fifteen (15) days prior to its engagement.
The Customer may object to the new Sub-processor within ten (10) days of receipt of that notice.
If no resolution can be reached within thirty (30) days, the Customer may terminate the affected Services.
"""


def test_notice_objection_and_resolution_periods_are_told_apart():
    t = check(SUBPROCESSOR_CLAUSE).terms
    assert t["objection_period_days"] == 10
    assert t["subprocessor_notice_days"] == 15
    assert "ten (10) days" in t["term_quotes"]["objection_period_days"]["quote"]


def test_business_days_are_never_given_as_days():
    t = check("## Sous-traitance\nLe Client peut s'opposer au nouveau sous-traitant dans un délai de dix (10) jours "
              "ouvrés suivant la notification.").terms
    assert t["objection_period_days"] is None
    assert t["objection_period_business_days"] == 10


def test_an_objection_within_this_notice_period_takes_the_notice_period():
    t = check("## Sub-processors\nWe shall publish a notice at least 14 days prior to engaging a new sub-processor. "
              "The controller may object to the new sub-processor within this notice period.").terms
    assert t["objection_period_days"] == 14 and t["subprocessor_notice_days"] == 14


def test_a_period_to_object_outside_sub_processing_is_not_the_objection_period():
    t = check("## Modification des conditions\nL'accord du Client sera réputé acquis à défaut d'opposition écrite "
              "dans les 28 (vingt-huit) jours suivant cette notification.").terms
    assert t["objection_period_days"] is None and t["objection_period_business_days"] is None


def test_two_objection_periods_are_a_conflict_with_both_quotes():
    result = check(SUBPROCESSOR_CLAUSE + "## 13. New processors\nThe Customer may object to a new sub-processor "
                   "within thirty (30) days of the notification.\n")
    conflict = next(c for c in result.conflicts if c["term"] == "objection_period_days")
    assert [v["value"] for v in conflict["values"]] == [10, 30]
    assert all(v["quote"] and v["unit"] == DAY for v in conflict["values"])


@pytest.mark.parametrize(("text", "hours"), [
    ("## Incidents\nLe Prestataire notifie tout incident de sécurité au Client dans un délai de quarante-huit (48) "
     "heures.", 48),
    ("## Security\nThe Processor shall inform the Customer of a Security Incident within 24 hours.", 24),
    ("## 9. Breach\nThe Processor shall notify the Controller of any Personal Data Breach within seventy-two (72) "
     "hours of becoming aware of it.", 72),
    ("## 10. Violations de données\nNotification au Client : information du Client au plus tard 36 heures après la "
     "prise de connaissance de la violation.", 36),
])
def test_breach_delay_in_hours_is_found_whatever_the_event_is_called(text, hours):
    assert check(text).terms["breach_notice_hours"] == hours


def test_internal_steps_and_the_authority_deadline_are_not_the_delay_owed_to_the_controller():
    t = check("## Violations de données\nAnalyse dans les 4 heures de la gravité de la violation de données.\n"
              "Le Client notifie la violation à l'autorité de contrôle dans les 72 heures.\n"
              "Le Prestataire informe le Client de toute violation de données dans les meilleurs délais.").terms
    assert t["breach_notice_hours"] == "dans les meilleurs délais"


@pytest.mark.parametrize("phrase", ["sans délai indu", "dans les meilleurs délais", "sans délai injustifié",
                                    "without undue delay"])
def test_undue_delay_wordings_are_recognised(phrase):
    t = check(f"## Sécurité\nLe Prestataire notifie au Client toute violation de données personnelles {phrase}.").terms
    assert fold(t["breach_notice_hours"]) == fold(phrase)


def test_an_infringement_called_violation_is_not_a_data_breach():
    t = check("Le Prestataire informe immédiatement le Client si une instruction constitue une violation du "
              "Règlement.").terms
    assert t["breach_notice_hours"] is None


@pytest.mark.parametrize("text", [
    "Transfers are governed by the Standard Contractual Clauses (Processors) in the Appendix to the European "
    "Commission Decision of February 5, 2010, as may be amended or replaced from time to time.",
    "Les transferts sont encadrés par les clauses de la décision 2010/87/UE de la Commission.",
    "Transfers rely on the Commission Decision of 5 February 2010 on standard contractual clauses.",
])
def test_2010_standard_contractual_clauses_are_outdated(text):
    assert "scc_2010" in [o["code"] for o in check(text).outdated]


def test_naming_the_2010_clauses_as_replaced_is_not_relying_on_them():
    text = "The 2021/914 standard contractual clauses replaced the clauses of Decision 2010/87/EU."
    assert "scc_2010" not in [o["code"] for o in check(text).outdated]


def names(text: str) -> list[tuple[str, str | None]]:
    return [(s["name"], s["country"]) for s in check(text).terms["subprocessors"]]


def test_sub_processors_are_read_from_a_table_one_row_each_with_its_country():
    text = """## Annex 3: Sub-processors
| Sub-processor | Purpose | Location |
|---|---|---|
| Acme Hosting Ltd | Cloud hosting | Germany |
| **Mailfast** | Email delivery | United States |
| Northwind SAS | Support | France/Canada |
"""
    assert names(text) == [("Acme Hosting Ltd", "DE"), ("Mailfast", "US"), ("Northwind SAS", "FR/CA")]


def test_a_table_that_is_not_about_sub_processors_gives_no_names():
    text = """## Security measures
| Measure | Description |
|---|---|
| Cloud Hosting | Services hosted in the EU |
"""
    assert names(text) == []


def test_sub_processors_are_read_from_a_list_its_introduction_announces():
    text = """## 7. Sous-traitance
**Catégories principales de sous-traitants :**
- **Hébergement :** Acmecloud, Blue Servers (selon services)
- **Paiement :** Paystream, prestataires bancaires
- **Supervision :** Solutions de surveillance et d'alerte
"""
    assert names(text) == [("Acmecloud", None), ("Blue Servers", None), ("Paystream", None)]


def test_a_list_item_joined_to_the_next_paragraph_keeps_the_company_name():
    text = ("## 5. Sub-processors\nThe following Sub-processor(s) are approved by the Data Controller:&#x20;\n\n"
            "* Northwind Data Services EMEA SARL\nIn addition, the Data Processor may use other Sub-processors.\n")
    assert names(text) == [("Northwind Data Services EMEA SARL", None)]


def test_engaged_processors_keep_their_legal_form_and_country():
    text = ("## 4. Sub-processors\nThe Client consents that the Vendor engages Acme Cloud, Inc., Seattle, WA - USA "
            "and Blue Lake Computing, Inc., Paris, France as another processors.")
    assert names(text) == [("Acme Cloud, Inc.", "US"), ("Blue Lake Computing, Inc.", "FR")]


def test_a_list_of_obligations_or_customer_configured_services_gives_no_names():
    text = """## Sub-processors
Sub-processors must:
- Comply with the same obligations.
- Encryption
Customers may configure additional integrations that send data to third-party services, including:
- Pixelbook (Tracking Pixel)
"""
    assert names(text) == []


@pytest.mark.parametrize("text", [
    "## Sub-processors\nThe Processor uses sub-processors certified under standards such as ISO 27001 and SOC 2.",
    "## Sub-processors\nSub-processors, such as Applicable Data Protection Legislation requires, are listed.",
    "## Sub-processors\nThe Processor may disclose data to sub-processors, including its Affiliates and employees.",
    "## Security\nThe Processor and its sub-processors apply measures, such as Security reviews. Security is our "
    "priority and security reviews are yearly.",
])
def test_certifications_defined_terms_and_the_vendor_s_staff_are_not_sub_processors(text):
    assert names(text) == []


def test_providers_named_in_brackets_are_sub_processors():
    text = ("## Sous-traitants et partenaires\nCette liste inclut nos partenaires réseau (Cogentia, Telinet, Level9) "
            "et nos fournisseurs d'infrastructure (datacenters).")
    assert names(text) == [("Cogentia", None), ("Telinet", None), ("Level9", None)]


def test_sub_processors_are_read_from_an_html_table_the_sentence_before_announces():
    text = """## Schedule A
The table below lists the sub-processors engaged by the Processor.
<table><tr><th>Entity</th><th>Service</th><th>Country</th></tr>
<tr><td>Acme Hosting GmbH</td><td>Hosting</td><td>Germany</td></tr>
<tr><td>Ticketline Ltd</td><td>Support desk</td><td>United Kingdom</td></tr></table>
"""
    assert names(text) == [("Acme Hosting GmbH", "DE"), ("Ticketline Ltd", "GB")]


def test_a_list_announced_without_a_colon_and_a_country_in_brackets_in_a_table_cell_are_read():
    listed = ("## Sub-processors\nThe Processor uses the following sub-processors.\n\n- Northwind Cloud\n"
              "- Mailstream Inc. – email delivery (USA)\n")
    assert names(listed) == [("Northwind Cloud", None), ("Mailstream Inc.", "US")]
    table = "## Sous-traitants\n| Nom | Finalité |\n|---|---|\n| Hébergix SAS (France) | Hébergement |\n"
    assert names(table) == [("Hébergix SAS (France)", "FR")]


def test_privacy_shield_named_as_invalidated_is_not_relied_on_but_relying_on_it_is_outdated():
    gone = "Since the CJEU invalidated the Privacy Shield, transfers rely on the 2021/914 clauses."
    relied = "The Processor provides the same level of protection as required under the Privacy Shield frameworks."
    assert "privacy_shield" not in [o["code"] for o in check(gone).outdated]
    assert "privacy_shield" in [o["code"] for o in check(relied).outdated]
