"""The CNIL template's words read as our data: retention sentences, country names written the CNIL's way, placeholders."""

import pytest

from registry.domain.cnil_register import (
    CNIL_MEASURES,
    CNIL_RECIPIENTS,
    CNIL_SAFEGUARDS,
    CNIL_SUBJECTS,
    MEASURES,
    RECIPIENTS,
    SAFEGUARDS,
    cnil_value,
    country_code,
    is_placeholder,
    parse_retention,
    row_code,
    subject_code,
    vocabulary_code,
)
from registry.reference import vocabulary as vocabulary_entries


@pytest.mark.parametrize("text,rule", [
    ("5 ans à compter du versement de la paie",
     {"value": 5, "unit": "years", "kind": "from_event", "event": "other", "event_detail": "versement de la paie"}),
    ("3 mois après la fin du contrat",
     {"value": 3, "unit": "months", "kind": "from_event", "event": "other", "event_detail": "la fin du contrat"}),
    ("10 ans", {"value": 10, "unit": "years", "kind": "fixed"}),
    ("30 jours.", {"value": 30, "unit": "days", "kind": "fixed"}),
])
def test_retention_sentences_become_structured_rules(text, rule):
    assert parse_retention(text) == rule


@pytest.mark.parametrize("text", ["durée du contrat", "0 ans", "le temps nécessaire", "5 ans ou plus selon le cas"])
def test_retention_sentences_we_cannot_read_stay_text(text):
    assert parse_retention(text) is None


@pytest.mark.parametrize("name,code", [("Etats-Unis", "US"), ("Iles FEROE", "FO"), ("Royaume-Uni", "GB"), ("JAPON", "JP"),
                                       ("Ile de Man", "IM"), ("United States", "US"), ("Corée du Sud", "KR")])
def test_country_names_of_the_cnil_list_map_through_cldr(name, code):
    assert country_code(name) == code


def test_a_country_that_does_not_exist_does_not_map():
    assert country_code("Atlantide") is None


def test_placeholder_and_safeguards():
    assert is_placeholder("Sélectionnez un élément dans cette liste déroulante ►")
    assert not is_placeholder("Salariés")
    assert row_code("Clauses contractuelles types (CCT)", SAFEGUARDS) == "scc"
    assert row_code("Dérogations (art 49)", SAFEGUARDS) == "derogation"


@pytest.mark.parametrize("vocabulary,table", [("data_subjects", CNIL_SUBJECTS), ("recipients", CNIL_RECIPIENTS),
                                              ("measure_headings", CNIL_MEASURES), ("transfer_mechanisms", CNIL_SAFEGUARDS)])
def test_every_code_our_cnil_export_writes_reads_back_to_itself(vocabulary, table):
    """The fiche writes the template's list value where there is one, else our French label: either reads back."""
    readers = {"data_subjects": subject_code,
               "recipients": lambda t: vocabulary_code("recipients", t) or row_code(t, RECIPIENTS),
               "measure_headings": lambda t: vocabulary_code("measure_headings", t) or row_code(t, MEASURES),
               "transfer_mechanisms": lambda t: vocabulary_code("transfer_mechanisms", t) or row_code(t, SAFEGUARDS)}
    for code in vocabulary_entries(vocabulary):
        assert readers[vocabulary](cnil_value(table, vocabulary, code)) == code, code
