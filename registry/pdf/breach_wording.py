"""The fixed wording of the breach documents (Arts. 33-34), in French and English: headings, labels and coded values
of the client notice, the CNIL draft, the data-subject letter and the Art. 33(5) register."""

# (French, English) for every heading and label the documents use.
T: dict[str, tuple[str, str]] = {
    "client_title": ("Notification d'une violation de données à caractère personnel au responsable du traitement",
                     "Notification of a personal data breach to the controller"),
    "cnil_title": ("Projet de notification à la CNIL d'une violation de données à caractère personnel",
                   "Draft notification of a personal data breach to the CNIL"),
    "cnil_note": ("Brouillon à reporter dans le téléservice de notification de la CNIL ; "
                  "vérifier les rubriques du formulaire en ligne au moment de la saisie.",
                  "Draft to be copied into the CNIL's online notification service; "
                  "check the online form's headings when entering it."),
    "subjects_title": ("Information des personnes concernées d'une violation de leurs données",
                       "Communication to data subjects of a breach of their data"),
    "register_title": ("Registre des violations de données à caractère personnel",
                       "Register of personal data breaches"),
    "register_note": ("Toutes les violations sont documentées, notifiées ou non (art. 33(5) RGPD).",
                      "Every breach is documented, whether notified or not (GDPR Art. 33(5))."),
    "sender": ("Sous-traitant", "Processor"),
    "recipient": ("Responsable du traitement", "Controller"),
    "organisation": ("Organisme", "Organisation"),
    "contract": ("Contrat", "Contract"),
    "reference": ("Référence de la violation", "Breach reference"),
    "phase": ("Étape de l'information (art. 33(4))", "Stage of information (Art. 33(4))"),
    "context": ("Circonstances", "Circumstances"),
    "facts": ("Faits", "Facts"),
    "occurred_at": ("Date de survenance", "Time it occurred"),
    "aware_at": ("Prise de connaissance", "Time of awareness"),
    "contained_at": ("Violation maîtrisée le", "Contained at"),
    "closed_at": ("Clôturée le", "Closed at"),
    "deadline": ("Échéance", "Deadline"),
    "subprocessors": ("Sous-traitant(s) ultérieur(s) en cause", "Sub-processor(s) involved"),
    "activities": ("Traitements concernés", "Processing activities concerned"),
    "a": ("a) Nature de la violation, catégories et nombre approximatif de personnes et d'enregistrements",
          "(a) Nature of the breach, categories and approximate number of data subjects and records"),
    "b": ("b) Délégué à la protection des données ou autre point de contact",
          "(b) Data protection officer or other contact point"),
    "c": ("c) Conséquences probables de la violation", "(c) Likely consequences of the breach"),
    "d": ("d) Mesures prises ou proposées, y compris pour en atténuer les conséquences",
          "(d) Measures taken or proposed, including to mitigate its possible adverse effects"),
    "nature": ("Nature", "Nature"),
    "data_subjects": ("Catégories de personnes concernées", "Categories of data subjects"),
    "subjects_approx": ("Nombre approximatif de personnes concernées", "Approximate number of data subjects"),
    "data_categories": ("Catégories de données", "Categories of personal data"),
    "records_approx": ("Nombre approximatif d'enregistrements", "Approximate number of records"),
    "special": ("Données sensibles (art. 9, 10) ou NIR", "Special categories (Arts. 9, 10) or French NIR"),
    "consequences": ("Conséquences probables", "Likely consequences"),
    "measures_taken": ("Mesures prises", "Measures taken"),
    "measures_proposed": ("Mesures proposées", "Measures proposed"),
    "risk": ("Évaluation du risque", "Risk assessment"),
    "risk_reasoning": ("Justification", "Reasoning"),
    "dpo": ("Délégué à la protection des données", "Data protection officer"),
    "contact_point": ("Point de contact (aucun délégué enregistré)", "Contact point (no DPO recorded)"),
    "contact": ("Contact", "Contact"),
    "unknown": ("Non connu à ce stade ; sera complété (art. 33(4))", "Not known yet; will be completed (Art. 33(4))"),
    "none": ("Aucun", "None"),
    "yes": ("Oui", "Yes"),
    "no": ("Non", "No"),
    "approx": ("environ {n}", "approximately {n}"),
    "undue_delay": ("dans les meilleurs délais", "without undue delay"),
    "late_reason": ("Motifs du retard", "Reasons for the delay"),
    # CNIL online form, in its order.
    "cnil_type": ("Type de notification", "Type of notification"),
    "cnil_org": ("Responsable de traitement", "Controller"),
    "cnil_contact": ("Personne à contacter", "Contact person"),
    "cnil_dates": ("Chronologie de la violation", "Timeline of the breach"),
    "cnil_nature": ("Nature de la violation", "Nature of the breach"),
    "cnil_origin": ("Origine et circonstances de la violation", "Origin and circumstances of the breach"),
    "cnil_data": ("Données concernées", "Data concerned"),
    "cnil_people": ("Personnes concernées", "Data subjects concerned"),
    "cnil_consequences": ("Conséquences probables pour les personnes", "Likely consequences for the data subjects"),
    "cnil_measures": ("Mesures prises ou envisagées", "Measures taken or planned"),
    "cnil_information": ("Information des personnes concernées", "Communication to the data subjects"),
    "info_required": ("Information requise (risque élevé, art. 34(1))", "Communication required (high risk, Art. 34(1))"),
    "exemption": ("Exception de l'art. 34(3)", "Art. 34(3) exemption"),
    "info_sent": ("Information effectuée le", "Communicated at"),
    # Data-subject letter.
    "what_happened": ("Ce qui s'est passé", "What happened"),
    "who_to_contact": ("Qui contacter", "Who to contact"),
    "what_it_means": ("Conséquences possibles pour vous", "What it may mean for you"),
    "what_we_do": ("Ce que nous avons fait et ce que nous allons faire", "What we have done and will do"),
    # Register.
    "effects": ("Effets", "Effects"),
    "remedial": ("Mesures prises pour y remédier", "Remedial action"),
    "notifications": ("Notifications", "Notifications"),
    "status": ("Statut", "Status"),
    "generated_at": ("Établi le", "Produced at"),
    "count": ("Nombre de violations", "Number of breaches"),
    "not_notified_reason": ("Non notifiée à la CNIL : risque jugé improbable", "Not notified to the CNIL: risk unlikely"),
    "by_clients": ("Notification à la CNIL par les responsables du traitement (l'organisme est sous-traitant)",
                   "Notification to the CNIL by the controllers (the organisation acts as processor)"),
}

VALUES: dict[str, tuple[str, str]] = {
    "confidentiality": ("perte de confidentialité", "loss of confidentiality"),
    "integrity": ("perte d'intégrité", "loss of integrity"),
    "availability": ("perte de disponibilité", "loss of availability"),
    "unlikely": ("non susceptible d'engendrer un risque", "unlikely to result in a risk"),
    "risk": ("risque", "risk"),
    "high": ("risque élevé", "high risk"),
    "unassessed": ("non encore évalué", "not assessed yet"),
    "initial": ("initiale", "initial"),
    "follow_up": ("complémentaire", "follow-up"),
    "final": ("finale", "final"),
    "open": ("ouverte", "open"),
    "contained": ("maîtrisée", "contained"),
    "closed": ("clôturée", "closed"),
    "cnil": ("CNIL", "CNIL"),
    "client": ("responsable du traitement", "controller"),
    "data_subjects": ("personnes concernées", "data subjects"),
    "due": ("à faire", "due"),
    "overdue": ("en retard", "overdue"),
    "done": ("faite", "done"),
    "art34_3_a": ("a) données rendues incompréhensibles (chiffrement)", "(a) data made unintelligible (encryption)"),
    "art34_3_b": ("b) mesures ultérieures écartant le risque élevé", "(b) later measures remove the high risk"),
    "art34_3_c": ("c) efforts disproportionnés : communication publique", "(c) disproportionate effort: public communication"),
}


def t(key: str, lang: str) -> str:
    fr, en = T[key]
    return fr if lang == "fr" else en


def v(code: str | None, lang: str) -> str:
    fr, en = VALUES[code or "unassessed"]
    return fr if lang == "fr" else en


# Wording only the printed pages need, (French, English).
EXTRA: dict[str, tuple[str, str]] = {
    "colon": (" : ", ": "),
    "gdpr": ("Règlement (UE) 2016/679 (RGPD)", "Regulation (EU) 2016/679 (GDPR)"),
    "not_required": ("Aucune notification à l'autorité de contrôle (CNIL) n'est due selon l'évaluation enregistrée "
                     "au registre.",
                     "No notification to the supervisory authority (CNIL) is due according to the register's "
                     "assessment."),
    "not_required_processor": ("Pour les données concernées, l'organisme agit uniquement comme sous-traitant : il en "
                               "informe chaque responsable du traitement (art. 33(2)), à qui il revient de notifier la "
                               "CNIL (art. 33(1)).",
                               "For the data affected, the organisation acts only as processor: it informs each "
                               "controller (Art. 33(2)), who notifies the CNIL (Art. 33(1))."),
    "not_required_unlikely": ("La violation est jugée non susceptible d'engendrer un risque pour les droits et libertés "
                              "des personnes physiques (art. 33(1)).",
                              "The breach is assessed as unlikely to result in a risk to the rights and freedoms of "
                              "natural persons (Art. 33(1))."),
    "reasoning": ("Motifs de l'évaluation", "Reasoning of the assessment"),
    "address": ("Adresse", "Address"),
    "empty": ("Aucune violation enregistrée.", "No breach recorded."),
}


def labels(lang: str) -> dict[str, str]:
    """Every heading of the breach documents in one language, for the print templates."""
    out = {key: t(key, lang) for key in T}
    out.update({key: fr if lang == "fr" else en for key, (fr, en) in EXTRA.items()})
    return out
