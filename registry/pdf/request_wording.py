"""The fixed wording of the printed requests register (Arts. 12, 15-22), in French and English: headings, labels and
the coded values of a request (channel, status, rights, refusal grounds, measures, identity checks)."""

T: dict[str, tuple[str, str]] = {
    "title": ("Registre des demandes d'exercice de droits", "Register of data-subject requests"),
    "note": ("Demandes reçues au titre des articles 15 à 22 du RGPD, avec leur délai (art. 12(3)), leur réponse et, "
             "pour un sous-traitant, leur transmission au responsable du traitement (art. 28(3)(e)). Les noms et "
             "coordonnées des demandeurs n'y figurent pas (art. 5(1)(c)).",
             "Requests received under Articles 15 to 22 GDPR, with their deadline (Art. 12(3)), their answer and, for "
             "a processor, their forwarding to the controller (Art. 28(3)(e)). Requesters' names and contacts are left "
             "out (Art. 5(1)(c))."),
    "generated_at": ("Édité le", "Printed on"),
    "count": ("Nombre de demandes", "Number of requests"),
    "open_count": ("dont ouvertes", "of which open"),
    "colon": (" : ", ": "),
    "empty": ("Aucune demande enregistrée.", "No request recorded."),
    "received_on": ("Reçue le", "Received on"),
    "channel": ("Reçue par", "Received by"),
    "rights": ("Droits exercés", "Rights exercised"),
    "requester_category": ("Catégorie du demandeur", "Requester's category"),
    "identity": ("Vérification de l'identité", "Identity verification"),
    "identity_not_checked": ("Non enregistrée", "Not recorded"),
    "details": ("Objet de la demande", "What is asked"),
    "activities": ("Traitements concernés et mesure prise", "Activities concerned and measure taken"),
    "deadline": ("Échéance de la réponse (art. 12(3))", "Answer due (Art. 12(3))"),
    "moved": ("le {nominal} n'étant pas un jour ouvrable", "{nominal} not being a working day"),
    "extension": ("Prolongation (art. 12(3))", "Extension (Art. 12(3))"),
    "extension_told": ("demandeur informé le {date}", "requester told on {date}"),
    "answer": ("Réponse", "Answer"),
    "refusal": ("Refus (art. 12(4)-(5))", "Refusal (Art. 12(4)-(5))"),
    "relay": ("Pour le compte du client (art. 28(3)(e))", "On behalf of the client (Art. 28(3)(e))"),
    "forwarded_on": ("transmise le {date}", "forwarded on {date}"),
    "not_forwarded": ("non transmise", "not forwarded"),
    "client_answered_on": ("réponse du client le {date}", "client answered on {date}"),
    "assistance": ("Assistance apportée", "Assistance given"),
    "overdue": ("en retard", "overdue"),
    "retention": ("Conservation : {years} ans après la clôture, puis suppression.",
                  "Kept {years} years after closure, then deleted."),
}

VALUES: dict[str, tuple[str, str]] = {
    # Status
    "open": ("Ouverte", "Open"), "answered": ("Répondue", "Answered"), "refused": ("Refusée", "Refused"),
    "withdrawn": ("Retirée", "Withdrawn"),
    # Channels
    "email": ("Courriel", "E-mail"), "letter": ("Courrier", "Letter"), "web_form": ("Formulaire en ligne", "Web form"),
    "phone": ("Téléphone", "Telephone"), "in_person": ("En personne", "In person"), "other": ("Autre", "Other"),
    # Rights
    "access": ("Accès (art. 15)", "Access (Art. 15)"), "rectification": ("Rectification (art. 16)",
                                                                       "Rectification (Art. 16)"),
    "erasure": ("Effacement (art. 17)", "Erasure (Art. 17)"),
    "restriction": ("Limitation du traitement (art. 18)", "Restriction of processing (Art. 18)"),
    "portability": ("Portabilité (art. 20)", "Data portability (Art. 20)"),
    "objection": ("Opposition (art. 21)", "Objection (Art. 21)"),
    "automated_decision": ("Décision individuelle automatisée (art. 22)", "Automated individual decision (Art. 22)"),
    # Refusal grounds
    "manifestly_unfounded": ("Manifestement infondée (art. 12(5)(b))", "Manifestly unfounded (Art. 12(5)(b))"),
    "excessive": ("Manifestement excessive (art. 12(5)(b))", "Manifestly excessive (Art. 12(5)(b))"),
    "art23_restriction": ("Limitation prévue par la loi (art. 23)", "Restriction by law (Art. 23)"),
    "not_identifiable": ("Demandeur non identifiable (art. 11(2), 12(2))", "Requester not identifiable (Arts. 11(2), 12(2))"),
    # Measures
    "erased": ("Effacées", "Erased"), "rectified": ("Rectifiées", "Rectified"), "exported": ("Exportées", "Exported"),
    "copy_sent": ("Copie envoyée", "Copy sent"), "restricted": ("Traitement limité", "Processing restricted"),
    "processing_stopped": ("Traitement arrêté", "Processing stopped"), "nothing_held": ("Aucune donnée détenue",
                                                                                        "No data held"),
    "none": ("Aucune mesure", "Nothing done"),
    # Identity checks
    "known_account": ("Demande depuis le compte ou l'adresse connus", "From the person's known account or address"),
    "email_reply": ("Confirmation par réponse à l'adresse connue", "Confirmed by reply to the known address"),
    "id_document_seen": ("Pièce d'identité présentée, non conservée", "Identity document shown, not kept"),
}


def t(key: str, lang: str) -> str:
    fr, en = T[key]
    return fr if lang == "fr" else en


def v(code: str | None, lang: str) -> str:
    """The label of a code in `lang`; the code itself when unknown, so that nothing disappears."""
    if not code:
        return ""
    fr, en = VALUES.get(code, (code, code))
    return fr if lang == "fr" else en


def labels(lang: str) -> dict[str, str]:
    return {key: t(key, lang) for key in T}
