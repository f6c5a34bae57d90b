"""The CNIL's simplified register template read as data: its labels mapped to our codes, its retention sentences parsed.

Pure: the importer (services/cnil_sheet) passes cell values and gets codes, dicts and problems back. The
labels are those of the 2019 template (../shared/domain/CNIL-SPREADSHEET.md), compared accent- and case-folded.
"""

import re
import unicodedata
from functools import cache, lru_cache

from registry import reference

PLACEHOLDER = "selectionnez un element dans cette liste deroulante"


def fold(text: object) -> str:
    """Text compared loosely: NFKD without accents, case-folded, underscores as spaces, spaces collapsed."""
    if text is None or text == "":
        return ""
    return _fold(str(text)) if len(str(text)) <= 200 else _fold.__wrapped__(str(text))


@lru_cache(maxsize=4096)  # a workbook repeats the same labels on every fiche
def _fold(text: str) -> str:
    raw = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in raw if not unicodedata.combining(c)).casefold().replace("_", " ")
    return re.sub(r"\s+", " ", plain).strip(" :\u25ba")


def is_placeholder(value: object) -> bool:
    """The drop-down's "select an element" prompt, which means the cell was left empty."""
    return fold(value).startswith(PLACEHOLDER)


# Data-category rows of a fiche (label starts with the key) -> our data_categories code (Art. 30(1)(c)).
CATEGORY_ROWS = (
    ("etat civil", "identity"),
    ("vie personnelle", "personal_life"),
    ("vie professionnelle", "professional_life"),
    ("informations d'ordre economique", "economic_financial"),
    ("donnees de connexion", "connection"),
    ("donnees de localisation", "location"),
    ("numero de securite sociale", "nir"),
    ("nir", "nir"),
    ("internet", "internet"),  # not a row of the template: our export adds it, so it reads back
)
# Sensitive-data rows (Art. 9(1) and Art. 10): a key word of the label -> our code.
SENSITIVE_ROWS = (
    ("raciale", "racial_ethnic_origin"),
    ("ethnique", "racial_ethnic_origin"),
    ("opinions politiques", "political_opinions"),
    ("religieuses", "religious_beliefs"),
    ("philosophiques", "religious_beliefs"),
    ("syndicale", "trade_union"),
    ("genetiques", "genetic"),
    ("biometriques", "biometric"),
    ("sante", "health"),
    ("sexuelle", "sex_life"),
    ("condamnations", "offences"),
    ("infractions", "offences"),
)
SUBJECTS = {"salaries": "employees", "clients": "customers", "fournisseurs": "suppliers", "prestataires": "suppliers",
            "prospects": "prospects", "candidats": "candidates", "services internes": "other", "usagers": "users"}
RECIPIENTS = (("service interne", "internal"), ("sous-traitants", "processors"), ("partenaires", "partners"),
              ("destinataires dans des pays tiers", "other"), ("autre", "other"))
MEASURES = (("tracabilite", "traceability"), ("protection des logiciels", "software_protection"),
            ("sauvegarde", "backup"), ("chiffrement", "encryption"), ("controle d'acces", "access_control"),
            ("controle des sous-traitants", "processor_control"), ("autres mesures", "other"))
SAFEGUARDS = (("clauses contractuelles", "scc"), ("cct", "scc"), ("regles d'entreprise", "bcr"), ("bcr", "bcr"),
              ("pays adequat", "adequacy"), ("code de conduite", "code_of_conduct"), ("certification", "certification"),
              ("derogation", "derogation"))
PRIVACY_SHIELD = "privacy shield"


def row_code(label: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """Our code for a fiche row or list value whose folded text starts with (or contains) one of the table's keys."""
    folded = fold(label)
    for key, code in table:
        if folded.startswith(key) or f" {key}" in f" {folded}":
            return code
    return None


def vocabulary_code(vocabulary: str, label: object) -> str | None:
    """Our code whose French or English label the text is exactly (accents and case folded): what our own CNIL-layout
    export writes where the template's list has no value for a code."""
    return _labels(vocabulary).get(fold(label))


@cache
def _labels(vocabulary: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, term in reference.vocabulary(vocabulary).items():
        out.setdefault(fold(term.fr), code)
        out.setdefault(fold(term.en), code)
    return out


def subject_code(value: str) -> str:
    exact = vocabulary_code("data_subjects", value)
    if exact:
        return exact
    folded = fold(value)
    for key, code in SUBJECTS.items():
        if folded.startswith(key):
            return code
    return "other"


def country_code(name: object) -> str | None:
    """The ISO code of a country written the CNIL's way ("Etats-Unis", "Iles FEROE"), through CLDR names in both languages."""
    folded = fold(name)
    if not folded:
        return None
    if len(folded) == 2 and reference.is_country(folded.upper()):
        return folded.upper()
    # The CNIL's list writes "Ile de Man" for CLDR's "Île de Man"/"Isle of Man" and drops hyphens at times.
    names = _country_names()
    return names.get(folded) or names.get(folded.replace("-", " "))


@cache
def _country_names() -> dict[str, str]:
    """Folded CLDR names in both languages (and without hyphens) -> ISO code; the exact folded names win."""
    out: dict[str, str] = {}
    for code, country in sorted(reference.countries().items()):
        for name in (country.name_fr, country.name_en):
            out.setdefault(fold(name), code)
    for code, country in sorted(reference.countries().items()):
        for name in (country.name_fr, country.name_en):
            out.setdefault(fold(name).replace("-", " "), code)
    return out


_UNIT_WORDS = {"an": "years", "ans": "years", "annee": "years", "annees": "years", "mois": "months",
               "semaine": "weeks", "semaines": "weeks", "jour": "days", "jours": "days"}
_RETENTION = re.compile(r"^(\d{1,5})\s+(ans?|annees?|mois|semaines?|jours?)\b"
                        r"(?:\s+(?:a compter|apres|a partir)\s+(?:de la |du |de l'|des |de |d')?(.+))?$")


def parse_retention(text: str) -> dict | None:
    """A retention sentence as our structured rule ("5 ans à compter du versement de la paie": 5 years from that event).

    None when the sentence is not one we can read (the importer keeps it as text and says so). Art. 5(1)(e).
    """
    folded = fold(text).rstrip(".")
    match = _RETENTION.match(folded)
    if not match:
        return None
    value, unit_word, event = int(match.group(1)), match.group(2), match.group(3)
    if not 1 <= value <= 100000:
        return None
    rule = {"value": value, "unit": _UNIT_WORDS[unit_word], "kind": "fixed"}
    if event:
        # The event's words as the user wrote them (with accents): the folded match only locates them.
        original = text.strip().rstrip(".")
        detail = original[len(original) - len(event):] if len(original) >= len(event) else event
        rule.update(kind="from_event", event="other", event_detail=detail[:300])
    return rule


# What our CNIL-layout export writes in the fiche's typed columns: the template's drop-down value where its list has
# one for our code, else our own French label (which `vocabulary_code` reads back).
CNIL_SUBJECTS = {"employees": "Salariés", "customers": "Clients", "suppliers": "Fournisseurs", "prospects": "Prospects",
                 "candidates": "Candidats"}
CNIL_RECIPIENTS = {"internal": "Service interne qui traite les données", "processors": "Sous-traitants",
                   "partners": "Partenaires institutionnels ou commerciaux", "other": "Autre (Préciser)"}
CNIL_MEASURES = {"traceability": "Mesures de traçabilité", "software_protection": "Mesures de protection des logiciels",
                 "backup": "Sauvegarde des données", "encryption": "Chiffrement des données",
                 "access_control": "Contrôle d'accès des utilisateurs", "processor_control": "Contrôle des sous-traitants",
                 "other": "Autres mesures (à préciser)"}
CNIL_SAFEGUARDS = {"scc": "Clauses contractuelles types (CCT)", "bcr": "Règles d'entreprise contraignantes (BCR)",
                   "adequacy": "Pays adéquat", "code_of_conduct": "Code de conduite", "certification": "Certification",
                   "derogation": "Dérogations (art 49)"}


def cnil_value(table: dict[str, str], vocabulary: str, code: str | None) -> str | None:
    """The text a fiche shows for one of our codes: the template's list value, else our French label."""
    if code is None:
        return None
    if code in table:
        return table[code]
    term = reference.vocabulary(vocabulary).get(code)
    return term.fr if term is not None else code
