"""GINGER MINDS (seed 002): web agency; informs of sub-processor changes without a right to object; EU-only hosting by
itself or an unnamed host (recorded as a host whose name, country and contract the register lacks); backups kept
30 days."""

from registry.demo.build import register

CGV = "Conditions générales de vente GINGER MINDS"

CLIENTS = [
    {"legal_name": "Boutique Démo de l'Erdre (fictive)", "address": "4 quai de l'Exemple, 44000 Nantes",
     "country": "FR", "contact_name": "Morgan Exemple", "contact_email": "contact@erdre-demo.example.com",
     "contract_reference": CGV, "contract_start": "2025-01-06", "language": "fr",
     # Art. 13.1 and Annexe 2.4.1: sub-processors allowed; "sa seule obligation consiste à en informer
     # préalablement par écrit le Client": information, no right to object.
     "subprocessor_authorisation": "general", "subprocessor_changes_notified": True, "objection_right": False,
     "breach_notice_undue_delay": True,  # Annexe 2.5.2: "dans les meilleurs délais à compter de sa connaissance"
     "instructions_documented": True, "confidentiality": True, "security_measures": True,
     "assistance_compliance": True,  # Annexe 2.2.3: DPIA and audits (billed separately), breach information
     "information_available": True, "infringing_instruction_notice": True,
     "audits_per_year": 1, "audit_notice_days": 30, "audit_inspections": True,  # Annexe 2.3.1
     "end_fate": "return_or_delete",  # Annexe 2.2.3: "supprimer ou renvoyer", not said to be the Client's choice
     "notes": "Transferts hors UE seulement après autorisation préalable écrite du Client (Annexe 2.2.3). "
              "L'assistance aux analyses d'impact et aux audits donne lieu à facturation séparée."},
]

# CGV 5.3.3.2: the developments are hosted "dans les locaux du Prestataire ou dans ceux d'un sous-traitant hébergeur
# du Prestataire, librement choisi par lui". The contract names no host: it is recorded under what the contract says
# it is, with its name, seat, locations and DPA left empty, so that the register flags what is missing rather than
# leaving the host out or inventing one.
SUBPROCESSORS = [
    {"legal_name": "Sous-traitant hébergeur non nommé", "status": "active",
     "service": "Hébergement des sites et applications développés, lorsqu'il n'est pas assuré dans les locaux de "
                "GINGER MINDS (CGV 5.3.3.1 et 5.3.3.2)",
     "notes": "CGV 5.3.3.2 : hébergement dans les locaux du Prestataire ou chez un sous-traitant hébergeur librement "
              "choisi par lui, qu'il peut changer sans préavis particulier ; le contrat ne donne ni son nom, ni son "
              "pays, ni ses lieux de traitement, ni son contrat de sous-traitance : à compléter ou, si GINGER MINDS "
              "héberge elle-même, à retirer. Annexe 1.6 : serveurs d'hébergement exclusivement situés dans l'Union "
              "européenne. Annexe 2.4.1 : changement de sous-traitant sur information préalable écrite du Client."},
]

MEASURES = [
    {"heading": "other", "title": "Mesures techniques et organisationnelles appropriées",
     "description": "Précautions utiles et mesures appropriées contre les altérations, destructions et accès non "
                    "autorisés (Annexe 1.3) ; le détail peut être donné à première demande (Annexe 2.2.3)."},
]

ACTIVITIES = [
    {"reference": "GM-R-01", "name": "Gestion de la relation contractuelle", "role": "controller", "status": "active",
     "description": "Données des préposés, dirigeants, sous-traitants, agents et prestataires du Client (Annexe 1.1).",
     "purposes": [{"purpose": "Gérer la relation contractuelle"}],
     "data_subjects": [{"code": "business_contacts",
                        "detail": "préposés, dirigeants, sous-traitants, agents et/ou prestataires du Client"}],
     "data_categories": [{"code": "identity", "detail": "nom, prénom, email, téléphone"}],
     "recipients": [{"code": "internal", "detail": "équipes de GINGER MINDS"},
                    {"code": "processors", "detail": "sociétés sous-traitantes ou sociétés liées"}],
     "systems": "Serveurs d'hébergement exclusivement situés dans l'Union européenne (Annexe 1.6)",
     "measures": [1]},
    {"reference": "GM-S-01", "name": "Réalisation des prestations (sites et applications)", "role": "processor",
     "status": "active",
     "description": "Traitement, pour le compte du Client, des données des utilisateurs des sites et applications "
                    "développés, nécessaires à la réalisation des Prestations (Annexe 2.1).",
     "purposes": [{"purpose": "Réaliser les Prestations"}],
     "data_subjects": [{"code": "users", "detail": "utilisateurs personnes physiques des sites et applications développés"}],
     "data_categories": [{"code": "identity", "detail": "nom, prénom, email, adresse"}],
     "clients": [1], "subprocessors": [1], "measures": [1],
     # CGV 5.3.3.2: hosted by GINGER MINDS or by a host it chooses, not named (the unnamed host above).
     "systems": "Serveurs d'hébergement exclusivement situés dans l'Union européenne (Annexe 1.6) ; hébergement dans "
                "les locaux du Prestataire ou chez un sous-traitant hébergeur qu'il choisit librement, non nommé "
                "(CGV 5.3.3.2)"},
]

RETENTION = [
    {"activity": 1, "subject": "Données de gestion du contrat", "kind": "from_event", "value": 5, "unit": "years",
     "event": "contract_end", "legal_reference": "Annexe 1.5 ; sauf durée plus longue imposée par une obligation légale"},
    {"activity": 2, "subject": "Données traitées pour le Client", "kind": "indeterminate",
     "criteria": "Liée à la prestation accomplie et limitée à la durée prévue au Contrat (Annexe 2.1.3)"},
    {"activity": 2, "covers_backups": True, "subject": "Sauvegardes des données hébergées", "kind": "fixed",
     "bound": "maximum", "value": 30, "unit": "days", "end_action": "delete",
     "notes": "CGV 5.3.3.3 : sauvegardes périodiques (complètes et/ou incrémentales) ; « la durée de rétention d'une "
              "sauvegarde est limitée à trente (30) jours. Passé ce délai, la sauvegarde est supprimée. » Le Client est "
              "informé si un nouvel hébergeur n'a pas la même durée de rétention."},
]

REGISTER = register(
    {"slug": "ginger-minds", "legal_name": "GINGER MINDS", "country": "FR", "acts_as": "both",
     "registration": "SAS au capital de 87 040 €, RCS Nantes 483 772 547",
     "address": "5 rue Chemin du Pressoir Chênaie, 44100 Nantes",
     "notes": "Source : conditions générales de vente (art. 13, art. 16 et Annexe). Aucun délégué à la protection "
              "des données n'y est nommé."},
    measures=MEASURES, clients=CLIENTS, subprocessors=SUBPROCESSORS, activities=ACTIVITIES, retention_rules=RETENTION,
)
