"""DEFI INFORMATIQUE (seed 003): hosting and backups on OVH in France; no data-protection article at all."""

from registry.demo.build import register

CONTRAT = "Contrat de maintenance, d'hébergement et de sauvegarde logiciel DEFI INFORMATIQUE"

SUBPROCESSORS = [
    {"legal_name": "OVH", "status": "active",
     "service": "Serveurs dédiés loués (Portail client, Jet Clouding) et FTP OVH dédié à la sauvegarde (art. 5 et 6)",
     "locations": [{"country": "FR", "site": "Roubaix", "kind": "storage"},
                   {"country": "FR", "site": "Strasbourg", "kind": "storage"}],
     "notes": "« À la date de signature du contrat, les données du Client sont hébergées sur des serveurs dédiés, "
              "implantés en France dans les Data Centers OVH de Roubaix et Strasbourg » (art. 5)."},
]

MEASURES = [
    {"heading": "software_protection", "title": "Mise à jour hebdomadaire des failles de sécurité",
     "description": "Procédure hebdomadaire de mise à jour des failles de sécurité sur les serveurs (art. 5.1)."},
    {"heading": "backup", "title": "Sauvegarde quotidienne sur un FTP dédié",
     "description": "Sauvegarde une fois par jour ; sauvegardes transférées sur un FTP OVH dédié accessible seulement "
                    "depuis le serveur dédié associé (art. 5 et 5.1)."},
    {"heading": "access_control", "title": "Accès distant sécurisé (RDS-Knight)",
     "description": "Tunnels SSL, protection anti brute force, géolocalisation IP restrictive, anti ransomware (art. 6.1)."},
    {"heading": "other", "title": "Pare-feu du serveur de sauvegarde",
     "description": "Pare-feu et protocoles n'admettant que l'entrée de données par le logiciel de sauvegarde (art. 7.3)."},
    {"heading": "traceability", "title": "Rapport de réception des sauvegardes",
     "description": "Rapport par e-mail sous 24 heures décrivant chaque fichier reçu avec une clé d'authentification (art. 7.2)."},
    {"heading": "physical_security", "title": "Data centers Tier 3",
     "description": "Data centers classés Tier 3 ou supérieur (art. 5 et 6)."},
]

CLIENTS = [
    {"legal_name": "Mairie Démo de Ménilmontant (fictive)", "address": "5 rue de l'Exemple, 75020 Paris",
     "country": "FR", "contact_name": "Claude Exemple", "contact_email": "dsi@mairie-demo.example.com",
     "contract_reference": CONTRAT, "contract_start": "2024-07-01", "language": "fr",
     # The contract has no data-protection clause: every Art. 28 term is left empty, except the fate of the data.
     "end_fate": "delete", "end_delay_value": 1, "end_delay_unit": "months",
     "notes": "« Les données du client seront détruites un mois franc après l'expiration du contrat » (art. 7.3). "
              "Paiements par Payfip / PayBox : aucune information bancaire n'est conservée (art. 5.1)."},
]

ACTIVITIES = [
    {"reference": "DEF-S-01", "name": "Hébergement du Portail client", "role": "processor", "status": "active",
     "description": "Hébergement sur serveurs dédiés mutualisés (Linux) ; données des usagers importées du progiciel (art. 5).",
     "data_subjects": [{"code": "users", "detail": "usagers du Portail client"}],
     "clients": [1], "subprocessors": [1], "measures": [1, 2, 6], "systems": "Portail client, serveurs dédiés OVH"},
    {"reference": "DEF-S-02", "name": "Hébergement Jet Clouding", "role": "processor", "status": "active",
     "description": "Hébergement du progiciel sur serveurs dédiés mutualisés (Windows, Jet Clouding, RDS) (art. 6).",
     "clients": [1], "subprocessors": [1], "measures": [3, 6], "systems": "Jet Clouding, serveurs dédiés OVH"},
    {"reference": "DEF-S-03", "name": "Sauvegarde externalisée", "role": "processor", "status": "active",
     "description": "Sauvegarde externalisée avec le logiciel Outback sur un espace d'hébergement Windows ; "
                    "restauration en cas d'incident (art. 7).",
     "clients": [1], "measures": [4, 5], "systems": "Logiciel de sauvegarde Outback"},
    {"reference": "DEF-S-04", "name": "Assistance et maintenance du progiciel", "role": "processor", "status": "active",
     "description": "Assistance et maintenance du progiciel du Client (art. 4).", "clients": [1]},
]

RETENTION = [
    {"activity": 1, "covers_backups": True, "subject": "Sauvegardes du Portail client", "kind": "fixed",
     "value": 6, "unit": "days", "notes": "Fréquence : 1 fois/jour ; rétention : 6 jours (art. 5)."},
    {"activity": 2, "covers_backups": True, "subject": "Sauvegardes Jet Clouding", "kind": "fixed",
     "value": 6, "unit": "days", "notes": "Fréquence : 1 fois/jour ; rétention : 6 jours (art. 6)."},
    {"activity": 3, "covers_backups": True, "subject": "Versions des fichiers de sauvegarde", "kind": "versions",
     "value": 5, "notes": "Conserve les 5 dernières historisations de version des fichiers (art. 7.2)."},
    {"activity": 3, "subject": "Données sauvegardées du client", "kind": "from_event", "value": 1, "unit": "months",
     "event": "contract_end", "end_action": "delete",
     "notes": "Détruites un mois franc après l'expiration du contrat (art. 7.3)."},
]

REGISTER = register(
    {"slug": "defi-informatique", "legal_name": "DEFI INFORMATIQUE", "country": "FR", "acts_as": "processor",
     "registration": "SAS au capital de 12 196 €, RCS Paris 389 230 509", "address": "10 rue Mercœur, 75011 Paris",
     "notes": "Source : contrat de maintenance, d'hébergement et de sauvegarde logiciel. Le contrat ne contient aucun "
              "article sur la protection des données."},
    measures=MEASURES, clients=CLIENTS, subprocessors=SUBPROCESSORS, activities=ACTIVITIES, retention_rules=RETENTION,
)
