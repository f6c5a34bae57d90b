"""ART ZONE (seed 004): web studio; outdated CNIL-declaration clause; "peut s'adjoindre tout tiers"; 1-year archives."""

from registry.demo.build import register

CGV = "Conditions générales de vente ART ZONE"

CLIENTS = [
    {"legal_name": "Association Démo du Pévèle (fictive)", "address": "6 rue de l'Exemple, 59830 Cysoing",
     "country": "FR", "contact_name": "Lou Exemple", "contact_email": "bureau@pevele-demo.example.com",
     "contract_reference": CGV, "contract_start": "2025-05-12", "language": "fr",
     "subprocessor_authorisation": "none_stated",
     "notes": "Art. 21 : « Le prestataire peut s'adjoindre tout tiers pour exécuter ce contrat » : aucune autorisation "
              "du client. Art. 18 : confidentialité des opérations réalisées pour le client (clause générale)."},
]

ACTIVITIES = [
    {"reference": "AZ-R-01", "name": "Gestion de la relation clients", "role": "controller", "status": "active",
     "description": "Clause obsolète (art. 19 « Informatique et liberté ») : « déclaration à la CNIL sous le n° XXX » "
                    "(régime déclaratif antérieur au RGPD, numéro jamais renseigné) ; seuls les droits d'accès et de "
                    "rectification au titre de la loi n° 78-17 du 6 janvier 1978 sont mentionnés, sans le RGPD.",
     "purposes": [{"purpose": "Gestion de la relation clients"}],
     "data_subjects": [{"code": "customers", "detail": "clients"}]},
    {"reference": "AZ-S-01", "name": "Conception et réalisation de sites internet", "role": "processor",
     "status": "active",
     "description": "Réalisation de sites ; archivage des codes de programmation et éléments structurants à la "
                    "publication ou à la recette (art. 4.7). Le prestataire n'assure pas l'hébergement (art. 7.2).",
     "clients": [1]},
]

RETENTION = [
    {"activity": 2, "subject": "Archives des codes de programmation et éléments structurants", "kind": "from_event",
     "bound": "maximum", "value": 1, "unit": "years", "event": "acceptance",
     "notes": "Archivage pour une durée maximale de 1 an après recette, projets avec PV de recette signé (art. 4.7)."},
]

REGISTER = register(
    {"slug": "art-zone", "legal_name": "ART ZONE", "trade_name": "Studio Art Zone", "country": "FR", "acts_as": "both",
     "registration": "SARL au capital de 7 500 €, SIRET 449 940 865 00016",
     "address": "CRT n° 696, boulevard du Petit Quinquin, 59273 Fretin", "contact_email": "contact@artzone.fr",
     "contact_phone": "03 20 37 75 47",
     "notes": "Source : conditions générales de vente (art. 4.7, 18, 19, 21)."},
    clients=CLIENTS, activities=ACTIVITIES, retention_rules=RETENTION,
)
