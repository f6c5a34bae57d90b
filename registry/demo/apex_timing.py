"""APEX TIMING (seed 001): karting software, processor under Annexe 4, 15 days to object, empty sub-processor list."""

from registry.demo.build import register

CGUM = "CGUM APEX TIMING, édition 31/01/2023"

MEASURES = [
    {"heading": "cia_resilience", "title": "Confidentialité, intégrité, disponibilité et résilience",
     "description": "Sur ses serveurs Web, mesures garantissant la confidentialité, l'intégrité, la disponibilité et la "
                    "résilience constantes des systèmes et des services (Annexe 4, art. 1)."},
    {"heading": "restore_availability", "title": "Rétablissement après incident",
     "description": "Rétablir la disponibilité des données et l'accès à celles-ci dans des délais appropriés en cas "
                    "d'incident de sécurité (Annexe 4, art. 1)."},
    {"heading": "testing", "title": "Tests réguliers des mesures",
     "description": "Tester, analyser et évaluer régulièrement l'efficacité des mesures (Annexe 4, art. 1)."},
    {"heading": "data_minimisation", "title": "Pas de conservation des données de carte",
     "description": "Les informations de paiement (cartes de crédit ou bancaires) ne sont pas conservées dans le "
                    "système informatique du Prestataire (Annexe 4, art. 1)."},
    {"heading": "other", "title": "Confidentialité et formation des personnes autorisées",
     "description": "Personnes autorisées tenues à la confidentialité et formées ; protection des données dès la "
                    "conception et par défaut (Annexe 4, art. 1)."},
]

CLIENTS = [
    {"legal_name": "Karting Démo des Alpes (fictif)", "address": "1 chemin de l'Exemple, 74000 Annecy",
     "country": "FR", "contact_name": "Sacha Exemple", "contact_email": "contact@karting-demo.example.com",
     "contract_reference": CGUM, "contract_start": "2024-04-01", "language": "fr",
     # Annexe 4, art. 1 "Sous-traitance": sub-processors named in a list (empty), changes notified with
     # fifteen days to object by e-mail to dpo@apex-timing.com, acceptance presumed after that.
     "subprocessor_authorisation": "general", "subprocessor_changes_notified": True, "objection_right": True,
     "objection_period_days": 15, "objection_channel": "e-mail à dpo@apex-timing.com",
     "breach_notice_undue_delay": True,  # "dans les meilleurs délais après en avoir pris connaissance"
     "instructions_documented": True, "confidentiality": True, "security_measures": True,
     # Annexe 4, "Sous-traitance": "a minima des engagements similaires": similar is not the same obligations
     # that Art. 28(4) requires, so the term is recorded as not met and the register flags it.
     "flow_down": False,
     "assistance_rights": "full", "assistance_compliance": True, "information_available": True,
     "infringing_instruction_notice": True,
     "audits_per_year": 1, "audit_cost": "controller", "audit_inspections": True,  # "une (1) fois par an à ses frais"
     "end_fate": "controller_choice", "end_destruction_certified": True,  # "justifie par écrit de la destruction"
     "notes": "Transferts hors UE seulement sous décision d'adéquation, clauses contractuelles types ou autres "
              "garanties de l'article 46 (Annexe 4, art. 1). "
              "Notification des violations au Client « dans les meilleurs délais après en avoir pris connaissance », "
              "contenant a minima : (i) la nature de la violation, avec si possible les catégories et le nombre "
              "approximatif de personnes et d'enregistrements concernés ; (ii) le nom et les coordonnées du délégué à "
              "la protection des données ou d'un autre point de contact ; (iii) les conséquences probables ; (iv) les "
              "mesures pour remédier à la violation et, le cas échéant, en atténuer les conséquences négatives "
              "(Annexe 4, art. 1). "
              "Sous-traitants ultérieurs : contrat contenant « a minima des engagements similaires à ceux prévus dans "
              "les présentes CGUM » (Annexe 4, art. 1) : des engagements similaires, non les mêmes obligations "
              "qu'exige l'art. 28(4) RGPD."},
]

ACTIVITIES = [
    {"reference": "APX-S-01", "name": "Maintenance, services web et prestations complémentaires", "role": "processor",
     "status": "active",
     "description": "Synchronisation automatique des données du Client sur les serveurs du Prestataire pour la "
                    "maintenance, les services web et les prestations complémentaires (Annexe 4, art. 1).",
     "purposes": [{"purpose": "Exécution de la maintenance, fourniture des services web et réalisation des "
                              "prestations complémentaires à la demande du Client"}],
     "data_subjects": [{"code": "users", "detail": "utilisateurs du Logiciel"},
                       {"code": "customers", "detail": "clients du Client"},
                       {"code": "prospects", "detail": "prospects du Client"}],
     "data_categories": [{"code": "identity", "detail": "nom, prénom, adresse email, photographies"},
                         {"code": "economic_financial", "detail": "historique d'achat"},
                         {"code": "connection", "detail": "adresse IP des utilisateurs d'Application mobile"}],
     "clients": [1], "subprocessors": [], "measures": [1, 2, 3, 4, 5], "systems": "Logiciel APEX TIMING, serveurs Web"},
    {"reference": "APX-R-01", "name": "Traitements pour son propre compte", "role": "controller", "status": "active",
     "description": "Le Prestataire traite des données personnelles du Client pour son propre compte ; le contrat "
                    "renvoie à sa politique de confidentialité (https://www.apex-timing.com/fr/privacy-policy-c34.html) "
                    "(Annexe 4, art. 2)."},
]

REGISTER = register(
    {"slug": "apex-timing", "legal_name": "APEX TIMING", "country": "FR", "acts_as": "both",
     "registration": "SAS à associé unique au capital de 35 000 €, RCS Annecy 531 976 017",
     "address": "11 route de la Salle, Cran-Gevrier, 74960 Annecy", "dpo_email": "dpo@apex-timing.com",
     "notes": "Source : CGUM édition 31/01/2023 (art. 17, Annexe 4). La liste des sous-traitants annoncée par "
              "l'Annexe 4 est vide."},
    measures=MEASURES, clients=CLIENTS, activities=ACTIVITIES,
)
