"""Alphabetical order per interface language: accents and case do not send a name to the end of a list."""

import unicodedata

import pytest

from registry import reference
from registry.collation import collated


def test_french_country_names_put_accented_e_among_the_e():
    names = [c.name("fr") for c in collated(reference.countries().values(), "fr", lambda c: c.name("fr"))]
    # Code-point order put "Égypte", "Équateur", "États-Unis" after "Zimbabwe".
    assert names.index("Égypte") == names.index("Dominique") + 1
    assert names.index("Égypte") < names.index("Émirats arabes unis") < names.index("Équateur") < names.index("Espagne")
    assert names.index("Estonie") < names.index("États-Unis") < names.index("Éthiopie") < names.index("Fidji")
    assert names.index("Hongrie") < names.index("Îles Åland") < names.index("Îles Cook") < names.index("Inde")
    assert names[-1] == "Zimbabwe"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_country_sits_under_its_letter_whatever_its_accent(lang):
    """Read down the list as a person does: the first letters, accents dropped, never go back."""
    names = [c.name(lang) for c in collated(reference.countries().values(), lang, lambda c: c.name(lang))]
    letters = [unicodedata.normalize("NFD", name)[0].upper() for name in names]
    assert len(letters) > 240 and letters == sorted(letters)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_lower_case_name_is_among_the_i(lang):
    names = ["Zendesk", "iSendPro", "Infomaniak", "Amazon Web Services", "Brevo", "IONOS", "Hetzner", "Jotform"]
    assert collated(names, lang) == [
        "Amazon Web Services", "Brevo", "Hetzner", "Infomaniak", "IONOS", "iSendPro", "Jotform", "Zendesk"]


def test_numbers_count_as_numbers_and_equal_texts_keep_their_order():
    assert collated(["Site 10", "Site 2", "site 1"], "fr") == ["site 1", "Site 2", "Site 10"]
    rows = [(2, "Brevo"), (1, "Brevo"), (3, "Amazon")]
    assert collated(rows, "en", lambda r: r[1]) == [(3, "Amazon"), (2, "Brevo"), (1, "Brevo")]


def test_case_decides_only_between_otherwise_equal_texts():
    assert collated(["Site 1", "site 2", "Site 10"], "en") == ["Site 1", "site 2", "Site 10"]
    assert collated(["b", "A", "a", "B"], "fr") == ["a", "A", "b", "B"]
