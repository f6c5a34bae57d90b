"""Reply letters to a data subject: one per right and the extension and refusal letters, in French and English, the
request's facts filled in and what the register cannot know marked to complete."""

from datetime import date

import pytest

from registry.domain import request_letters as letters
from registry.domain import requests as r
from registry.reference.public_holidays import public_holidays

FR = public_holidays("FR")


def facts(**overrides) -> letters.LetterFacts:
    received = date(2025, 12, 31)
    values = {"organisation": "PILOTIM", "country": "FR", "reference": "DSR-7", "received_on": received,
              "today": date(2026, 1, 10), "due": r.answer_deadline(received, FR).due,
              "extended_due": r.answer_deadline(received, FR, extended=True).due, "requester": "Jeanne Exemple",
              "activities": ("Hébergement du logiciel",), "signatory": "DPO, dpo@pilotim.example"}
    return letters.LetterFacts(**{**values, **overrides})


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", letters.KINDS)
def test_every_letter_exists_in_both_languages_with_the_requests_facts(kind, lang):
    text = letters.reply_letter(kind, lang, facts())
    assert "DSR-7" in text and "Jeanne Exemple" in text and "PILOTIM" in text
    assert ("31 décembre 2025" if lang == "fr" else "December 31, 2025") in text
    assert "{" not in text and "}" not in text  # every placeholder filled
    assert ("Madame, Monsieur" in text) == (lang == "fr")


def test_the_extension_letter_gives_the_reasons_and_the_extended_deadline_from_the_clock():
    text = letters.reply_letter("extension", "fr", facts(extension_reasons="Volume des données à extraire"))
    # 31 December 2025 + 3 months = 31 March 2026, a Tuesday.
    assert "Volume des données à extraire" in text and "au plus tard le 31 mars 2026" in text
    english = letters.reply_letter("extension", "en", facts(received_on=date(2026, 1, 31),
                                                            extended_due=r.answer_deadline(date(2026, 1, 31), FR,
                                                                                           True).due))
    assert "by April 30, 2026 at the latest" in english and "[to complete]" in english  # no reasons recorded


def test_the_refusal_letter_states_its_ground_and_the_remedies():
    text = letters.reply_letter("refusal", "fr", facts(refusal_ground="excessive", refusal_details="Cinq demandes"))
    assert "manifestement excessive" in text and "article 12(5)(b)" in text and "Cinq demandes" in text
    assert "CNIL" in text and "recours juridictionnel" in text
    abroad = letters.reply_letter("refusal", "en", facts(country="BE", refusal_ground="not_identifiable"))
    assert "CNIL" not in abroad and "Article 77 GDPR" in abroad and "additional information" in abroad


def test_what_the_register_cannot_know_is_marked_to_complete():
    text = letters.reply_letter("access", "en", facts(activities=(), requester=None))
    assert text.count("[to complete]") >= 7
    assert letters.letter_kinds_for(["erasure", "automated_decision", "access"]) == [
        "access", "erasure", "extension", "refusal"]
    with pytest.raises(ValueError):
        letters.reply_letter("apology", "fr", facts())
