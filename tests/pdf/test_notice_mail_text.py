"""The words of a change notice e-mail (Art. 28(2)), from the same data as its PDF: the client's language, its own
deadline, the default window said when the contract sets none, the link and until when it works; names that hold
line breaks stay on one line (they go into the Subject header)."""

from datetime import date

from registry.pdf.notice_mail import notice_text


def data(language: str, **overrides) -> dict:
    base = {
        "language": language, "kind": "replace", "period_days": 30, "period_recorded": False,
        "objection_deadline": date(2027, 1, 6),
        "processor": {"legal_name": "PILOTIM", "dpo_email": None, "contact_email": "dpo@pilotim.com"},
        "client": {"contract_reference": "CT-42"},
        "subprocessor": {"legal_name": "Nouvel\r\nHébergeur\tSAS"},
        "replaces": {"legal_name": "Ancien Hébergeur"},
    }
    return {**base, **overrides}


def test_the_french_notice_gives_the_clients_deadline_the_default_window_and_the_link():
    subject, body, name = notice_text(data("fr"), 7, 3, "https://registre.example.org/notice/7/abc", 60)
    assert subject == "Information préalable : changement de sous-traitant ultérieur — Nouvel Hébergeur SAS (PILOTIM)"
    assert "remplacement de Ancien Hébergeur par Nouvel Hébergeur SAS" in body
    assert "notre contrat (réf. CT-42)" in body
    assert "soit jusqu'au 6 janvier 2027 inclus" in body
    assert "Votre contrat ne fixe pas ce délai : nous appliquons 30 jours." in body
    assert "(valable jusqu'au 7 mars 2027) :\nhttps://registre.example.org/notice/7/abc\n" in body
    assert "Pour toute question : dpo@pilotim.com" in body and name == "avis-changement-7-3.pdf"


def test_the_english_notice_with_a_recorded_window_says_no_default():
    subject, body, name = notice_text(data("en", period_recorded=True, period_days=15,
                                           objection_deadline=date(2026, 12, 22), client={"contract_reference": None}),
                                      7, 3, "https://x.example/notice/7/abc", 0)
    assert subject == "Prior notice: change of sub-processor — Nouvel Hébergeur SAS (PILOTIM)"
    assert "You have 15 days from today, that is until December 22, 2026 inclusive, to object." in body
    assert "our contract," in body and "we apply" not in body
    assert "(valid until December 22, 2026)" in body and name == "change-notice-7-3.pdf"
    assert "\r" not in subject and "\n" not in subject
