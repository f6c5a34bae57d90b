"""Expected checker output for the five seed contracts, written by reading them (README in /work/shared/seeds).

Verdicts per item code; terms as values. Where the reading is debatable the comment says why.
"""

P, W, M = "present", "weak", "missing"

ALL_PRESENT = dict.fromkeys(
    ("art28_3_a", "art28_3_b", "art28_3_c", "art28_2", "art28_4", "art28_3_e", "art28_3_f", "art28_3_g",
     "art28_3_h", "art33_2", "transfers", "art30_2"), P)
ALL_MISSING = dict.fromkeys(ALL_PRESENT, M)

LABELS: dict[str, dict] = {
    "000_0412e64e33be73e3.txt": {  # PILOTIM, Art. 5 "Données personnelles" and Art. 9 "Sous-traitance"
        # art28_2 present: "sans l'autorisation écrite préalable spécifique ou générale, du Client" (Art. 5),
        # although Art. 9 alone would be a bare permission and no right to object is stated.
        "items": dict(ALL_PRESENT),
        "terms": {
            "objection_period_days": None,
            "breach_notice_hours": "dans les meilleurs délais",
            "subprocessors": [
                ("OVH", None), ("Gandi", None), ("OpenAI L.L.C", None), ("Google Ireland Limited", None),
                ("Ubiflow", None), ("SeLoger", None), ("LeBonCoin", None), ("Bien’Ici", None),
                ("Vitrine Media", None), ("Opinion System", None), ("YouSign", None), ("iSendPro", None),
                ("SMS Factor", None), ("Protexa – La Boîte Immo", None), ("AMEPI", None),
                ("MLS Côte d’Azur", None), ("Logic-Immo", None),
            ],
            "transfer_mechanisms": ["scc"],  # "clauses contractuelles types", no year given
            "audits_per_year": None,
            "audit_notice_days": None,
            "retention": [(3, "month")],  # Art. 22.2: last historical backups kept at least 3 months
            "stored_only_in_eu": False,
        },
        "outdated": [],  # 78-17 is cited with the GDPR; 95/46 only as "abrogeant la directive 95/46/CE"
    },
    "001_8c19d792b735deb3.txt": {  # APEX TIMING, Art. 17 and Annexe 4
        # art30_2 present although conditional ("dans la mesure où il remplirait les conditions ... article 30.5").
        "items": dict(ALL_PRESENT),
        "terms": {
            "objection_period_days": 15,
            "breach_notice_hours": "dans les meilleurs délais",
            "breach_notice_content": ["33_3_a", "33_3_b", "33_3_c", "33_3_d"],
            "subprocessors": [],  # "sous-traitants nommés ci-après" ... the list is empty
            "transfer_mechanisms": ["scc", "adequacy", "art46_safeguards"],
            "audits_per_year": 1,
            "audit_notice_days": None,
            "retention": [],
            "stored_only_in_eu": False,
        },
        "outdated": [],
    },
    "002_d3eaa0bf0228e7fa.txt": {  # GINGER MINDS, Art. 13, Art. 16 and the Annexe
        "items": {
            **ALL_PRESENT,
            "art28_2": W,    # 2.4.1: "sa seule obligation consiste à en informer préalablement" - no objection
            "art28_4": W,    # 2.4.2: only "garanties suffisantes", obligations not flowed down
            "art28_3_e": M,  # 2.5.1: people exercise their rights with the Client; no assistance
            "art28_3_f": W,  # DPIA help (billed) only; no prior consultation
            "art28_3_g": W,  # "supprimer ou renvoyer ... à l'issue du terme contractuel", not at the Client's choice
        },
        "terms": {
            "objection_period_days": None,
            "breach_notice_hours": "dans les meilleurs délais",
            "subprocessors": [],
            "transfer_mechanisms": [],
            "audits_per_year": 1,
            "audit_notice_days": 30,
            "retention": [(30, "day"), (5, "year")],  # backup retention 30 days; 5 years after the end
            "stored_only_in_eu": True,
        },
        "outdated": [],
    },
    "003_721c465f6aaf4f0b.txt": {  # DEFI INFORMATIQUE: no data-protection clause at all
        "items": {
            **ALL_MISSING,
            "art28_3_b": W,  # staff confidentiality as a general duty (Art. 8)
            "art28_3_c": W,  # server security described as a service feature (Art. 8, 5.1)
            "art28_3_g": W,  # "détruites un mois franc après l'expiration du contrat" (7.3)
        },
        "terms": {
            "objection_period_days": None,
            "breach_notice_hours": None,
            "subprocessors": [("OVH", "FR")],  # "serveurs dédiés, implantés en France dans les Data Centers OVH"
            "transfer_mechanisms": [],
            "audits_per_year": None,
            "audit_notice_days": None,
            "retention": [(6, "day"), (6, "day"), (1, "month")],  # backups 6 days (twice), destruction 1 month
            "stored_only_in_eu": False,
        },
        "outdated": [],
    },
    "004_1856e3db2ce7a5b8.txt": {  # ART ZONE
        "items": {
            **ALL_MISSING,
            "art28_3_a": W,  # Art. 18: "s'interdit tout usage personnel des données ... sans l'autorisation"
            "art28_3_b": W,  # Art. 18: confidentiality of the company, not of authorised persons
            # art28_2 missing: "Le prestataire peut s'adjoindre tout tiers pour exécuter ce contrat."
        },
        "terms": {
            "objection_period_days": None,
            "breach_notice_hours": None,
            "subprocessors": [],
            "transfer_mechanisms": [],
            "audits_per_year": None,
            "audit_notice_days": None,
            "retention": [(1, "year")],  # 4.7: source archives kept at most 1 year after acceptance
            "stored_only_in_eu": False,
        },
        "outdated": ["cnil_declaration", "law_1978_without_gdpr"],
    },
}
