"""PILOTIM (seed 000): real-estate agency software, processor for agencies, 17 named sub-processors (Google Ireland's
own US recipient, Google LLC, at level 2), SCC to the US;
reuses its clients' data after anonymisation (its own activity); no DPO named."""

from registry.demo.build import register

CG = "Conditions générales PILOTIM"


def _sp(name: str, service: str, **extra) -> dict:
    # Art. 5 and Art. 9 name the provider and its category only: no seat, address, DPA or location is stated.
    return {"legal_name": name, "service": service, "status": "active", **extra}


SUBPROCESSORS = [
    _sp("OVH", "Hébergement et infrastructure (art. 5 et 9 : « hébergeur agréé en Europe »)"),
    _sp("Gandi", "Hébergement et infrastructure (art. 5 et 9)"),
    _sp("OpenAI, L.L.C.", "Intelligence artificielle : génération, analyse ou reformulation de contenus textuels (art. 9)",
        country="US", locations=[{"country": "US", "kind": "access", "site": None}]),
    # Art. 9 names Google Ireland Limited (Irish company); no processing location of its own is stated.
    _sp("Google Ireland Limited", "Messagerie et calendrier : synchronisation facultative avec Gmail et Google Agenda (art. 9)",
        country="IE", source_kind="contract_annex", source=f"{CG}, art. 5 et 9"),
    _sp("Ubiflow", "Multidiffusion des annonces vers les portails immobiliers (art. 9)"),
    _sp("SeLoger", "Portail immobilier : diffusion des annonces (art. 9)"),
    _sp("LeBonCoin", "Portail immobilier : diffusion des annonces (art. 9)"),
    _sp("Bien'Ici", "Portail immobilier : diffusion des annonces (art. 9)"),
    _sp("Logic-Immo", "Portail immobilier : diffusion des annonces (art. 9)"),
    _sp("Vitrine Media", "Vitrines dynamiques : diffusion d'annonces sur écrans connectés (art. 9)"),
    _sp("Opinion System", "Avis clients : collecte, certification et diffusion (art. 9)"),
    _sp("YouSign", "Signature électronique (art. 9)"),
    _sp("iSendPro", "Envoi de SMS : notifications, rappels, campagnes (art. 9)"),
    _sp("SMS Factor", "Envoi de SMS : notifications, rappels, campagnes (art. 9)"),
    _sp("Protexa – La Boîte Immo", "Registres électroniques et archivage : tenue de registres, suivi de mandats (art. 9)"),
    _sp("AMEPI", "Plateforme inter-agences : partage de mandats entre professionnels adhérents (art. 9)"),
    _sp("MLS Côte d'Azur", "Plateforme inter-agences : partage de mandats entre professionnels adhérents (art. 9)"),
    # Level 2, engaged by Google Ireland Limited (18 -> 4). Art. 5: transfers outside the EU are needed "notamment
    # pour les services opérés par OpenAI ou Google"; the US recipient of Google's services is Google LLC, which the
    # contract does not name: its address, contact, confirmation and the clients' information stay empty, and flagged.
    _sp("Google LLC", "Services Google (Gmail, Google Agenda) opérés depuis les États-Unis pour Google Ireland Limited",
        parent=4, country="US", locations=[{"country": "US", "kind": "access", "site": None}], source_kind="other",
        source=f"Non nommée dans les {CG} ; art. 5 : transferts hors UE « pour les services opérés par [...] Google »",
        notes="Sous-traitant de niveau 2 : le transfert vers les États-Unis est celui de Google Ireland Limited, "
              "non de PILOTIM."),
]

MEASURES = [
    {"heading": "physical_security", "title": "Accès au data center protégé",
     "description": "Accès au data center et aux salles d'hébergement du partenaire protégé par des lecteurs de badges / "
                    "d'empreintes digitales ; accès au local serveur limité (art. 22)."},
    {"heading": "backup", "title": "Sauvegarde quotidienne complète",
     "description": "Sauvegarde complète quotidienne ; une sauvegarde archivée chaque mois sur les serveurs de sauvegarde "
                    "de PILOTIM (art. 22.2)."},
    {"heading": "restore_availability", "title": "Serveur secondaire synchronisé",
     "description": "Serveur secondaire synchronisé régulièrement avec le serveur principal, capable de prendre le relais ; "
                    "serveur de sauvegarde dédié (art. 22.3)."},
    {"heading": "cia_resilience", "title": "Surveillance et redondance électrique",
     "description": "Monitoring ICMP de tous les serveurs, techniciens 24 h/24 ; trois circuits d'alimentation ; "
                    "détection d'incendie et de fumée (art. 22)."},
    {"heading": "other", "title": "Confidentialité et formation des personnes autorisées",
     "description": "Personnes autorisées tenues à la confidentialité, sensibilisées et formées à la protection des données (art. 5)."},
]

CLIENT_TERMS = {
    "contract_reference": CG,
    "language": "fr",
    # Art. 5: no sub-processor "sans l'autorisation écrite préalable spécifique ou générale, du Client";
    # Art. 9: "PILOTIM est autorisée à recourir à un ou plusieurs sous-traitants [...] ce que le Client déclare accepter".
    # Neither article provides for information of changes nor a right to object: left empty.
    "subprocessor_authorisation": "general",
    "breach_notice_undue_delay": True,  # Art. 5: "dans les meilleurs délais"
    "instructions_documented": True,  # Art. 5: "que sur demande écrite du Client"
    "confidentiality": True,
    "security_measures": True,  # Art. 5: "toutes les mesures requises en vertu de l'article 32"
    "flow_down": True,  # Art. 5: "imposer à ce sous-traitant les mêmes obligations"
    "assistance_rights": "full",  # Art. 5: help with requests, and forwarding of requests received
    "assistance_compliance": True,  # Art. 5: "obligations prévues aux articles 32 à 36"
    "information_available": True,
    "audit_inspections": True,  # Art. 5: "inspections ou audits par le Client ou un tiers qu'il a mandaté"
    "end_fate": "controller_choice",  # Art. 5: "restituer, supprimer ou détruire selon la décision du Client"
}

CLIENTS = [
    {"legal_name": "Agence Démo du Beffroi (fictive)", "address": "1 place de l'Exemple, 59000 Lille", "country": "FR",
     "contact_name": "Camille Exemple", "contact_email": "direction@beffroi-demo.example.com",
     "dpo_email": "dpo@beffroi-demo.example.com", "contract_start": "2024-01-15", **CLIENT_TERMS},
    {"legal_name": "Immobilière Démo des Flandres (fictive)", "address": "2 rue Fictive, 59200 Tourcoing",
     "country": "FR", "contact_name": "Dominique Test", "contact_email": "contact@flandres-demo.example.com",
     "contract_start": "2025-03-01", **CLIENT_TERMS},
    {"legal_name": "Demo Estates Brussels (fictional)", "address": "3 avenue de l'Exemple, 1000 Bruxelles",
     "country": "BE", "contact_name": "Alex Sample", "contact_email": "office@estates-demo.example.com",
     "contract_start": "2025-09-01", **{**CLIENT_TERMS, "language": "en"}},
]

ALL_CLIENTS = [1, 2, 3]
HOSTING_MEASURES = [1, 2, 3, 4, 5]


def _processing(ref: str, name: str, description: str, subprocessors: list[int]) -> dict:
    # Art. 5 says the description of the processing is annexed, but the annex is not part of the contract:
    # data subjects and data categories stay empty, so the register flags them.
    return {"reference": ref, "name": name, "role": "processor", "status": "active", "description": description,
            "purposes": [{"purpose": "Fourniture des solutions logicielles et services hébergés aux agences immobilières"}],
            "clients": ALL_CLIENTS, "subprocessors": subprocessors, "measures": HOSTING_MEASURES,
            "systems": "Logiciel PILOTIM, services hébergés"}


ACTIVITIES = [
    _processing("PIL-S-01", "Hébergement du logiciel et des services hébergés",
                "Hébergement, sauvegarde, administration et surveillance des données des agences (art. 22).", [1, 2]),
    _processing("PIL-S-02", "Fonctions d'intelligence artificielle",
                "Génération, analyse ou reformulation de contenus textuels (art. 9).", [3]),
    _processing("PIL-S-03", "Synchronisation avec Gmail et Google Agenda",
                "Synchronisation facultative, lorsque le Client active ces intégrations (art. 9).", [4]),
    _processing("PIL-S-04", "Multidiffusion des annonces",
                "Diffusion des annonces sur les portails immobiliers et les vitrines dynamiques (art. 5 et 9).",
                [5, 6, 7, 8, 9, 10]),
    _processing("PIL-S-05", "Avis clients", "Collecte, certification et diffusion d'avis clients (art. 9).", [11]),
    _processing("PIL-S-06", "Signature électronique", "Signatures électroniques conformes à eIDAS (art. 9).", [12]),
    _processing("PIL-S-07", "Envoi de SMS", "Notifications, rappels ou campagnes d'information par SMS (art. 9).", [13, 14]),
    _processing("PIL-S-08", "Registre électronique des mandats", "Tenue de registres ou suivi de mandats (art. 9).", [15]),
    _processing("PIL-S-09", "Partage inter-agences",
                "Partage de mandats ou d'informations entre professionnels adhérents (art. 9).", [16, 17]),
    {"reference": "PIL-R-01", "name": "Gestion des prospects et clients de PILOTIM", "role": "controller",
     "status": "active",
     "description": "Traitement de gestion des prospects et clients de PILOTIM ; demandes d'exercice des droits à "
                    "dpo@pilotim.com, réponse sous un mois au plus (art. 5).",
     "purposes": [{"purpose": "Gestion des prospects et clients"}],
     "data_subjects": [{"code": "business_contacts",
                        "detail": "agents mandataires, salariés, responsables, dirigeants des clients"}],
     "measures": [5]},
    # Art. 5: "le Client autorise expressément PILOTIM à utiliser ces données après anonymisation [...] à des fins
    # statistiques ou encore pour améliorer ses services et produits": PILOTIM's own purposes, so its own controller
    # activity. Data subjects, categories and legal basis are not stated: left empty, so the register flags them.
    {"reference": "PIL-R-02", "name": "Réutilisation des données des Clients après anonymisation", "role": "controller",
     "status": "active",
     "description": "Le Client autorise expressément PILOTIM à utiliser les données qu'il traite au moyen du logiciel et "
                    "des services hébergés, après anonymisation, notamment à des fins statistiques ou pour améliorer "
                    "ses services et produits ; PILOTIM garantit une utilisation dans le strict respect de la "
                    "réglementation (art. 5).",
     "purposes": [{"purpose": "Statistiques, à partir des données des Clients anonymisées"},
                  {"purpose": "Amélioration des services et produits de PILOTIM"}],
     "systems": "Logiciel PILOTIM, services hébergés"},
]

RETENTION = [
    {"activity": 1, "covers_backups": True, "subject": "Dernières sauvegardes historiques (archive mensuelle)",
     "kind": "fixed", "bound": "minimum", "value": 3, "unit": "months",
     "notes": "Art. 22.2 : sauvegarde quotidienne ; une sauvegarde archivée chaque mois ; nombre de sauvegardes "
              "historiques variable selon la place disponible ; dernières sauvegardes conservées au moins 3 mois."},
]

_SCC = {"mechanism": "scc", "scc_module": 3, "exporter_role": "processor", "importer_role": "processor",
        "document_reference": f"{CG}, art. 5 et 9 : clauses contractuelles types de la Commission (art. 46 RGPD)"}
# OpenAI, L.L.C. is PILOTIM's own sub-processor in the US: PILOTIM exports. Google Ireland Limited is Irish: the
# transfer to the US is its onward transfer to Google LLC (level 2), exported by Google Ireland as processor. The
# contract states the SCC (art. 5 and 9) but no module: module 3 is the one that fits processor to processor.
TRANSFERS = [
    {"subprocessor": 3, "recipient": "OpenAI, L.L.C.", "destination_country": "US", **_SCC},
    {"subprocessor": 18, "recipient": "Google LLC", "destination_country": "US", **_SCC,
     "notes": "Transfert ultérieur de Google Ireland Limited (exportateur) vers Google LLC (importateur)."},
]

REGISTER = register(
    {"slug": "pilotim", "legal_name": "PILOTIM", "country": "FR", "acts_as": "both",
     "registration": "SAS au capital de 30 000,00 €, RCS Lille 531 999 837",
     # Art. 5 gives dpo@pilotim.com only as the address for questions and for exercising rights: no DPO is
     # named, so the DPO fields stay empty (the register flags it) and the address is the organisation's contact.
     "address": "121 rue Chanzy, CS 10128, 59260 Lille-Hellemmes", "contact_email": "dpo@pilotim.com",
     "notes": "Source : conditions générales PILOTIM (art. 5 Données personnelles, art. 9 Sous-traitance, art. 22 "
              "Hébergement). Contact pour toute question et l'exercice des droits : dpo@pilotim.com (art. 5) ; le "
              "contrat ne désigne pas de délégué à la protection des données."},
    measures=MEASURES, clients=CLIENTS, subprocessors=SUBPROCESSORS, activities=ACTIVITIES,
    retention_rules=RETENTION, transfers=TRANSFERS,
)
