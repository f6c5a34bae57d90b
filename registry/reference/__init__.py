"""Reference data of the register (countries, adequacy decisions, vocabularies), loaded from data files."""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources


def _load(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


@dataclass(frozen=True)
class Country:
    code: str
    name_en: str
    name_fr: str
    eu: bool
    eea: bool

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en


@dataclass(frozen=True)
class Adequacy:
    destination: str  # ISO alpha-2, or "org:CODE" for an international organisation
    decision: str
    date: date
    scope: str  # full | partial
    condition: str | None
    valid_until: date | None
    source_url: str
    last_checked: date

    def in_force(self, on: date) -> bool:
        return self.date <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True)
class Term:
    """One entry of a controlled vocabulary, with its labels and, where it has one, its article."""

    code: str
    en: str
    fr: str
    article: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def article_in(self, lang: str) -> str | None:
        """The article as cited in `lang` ("chapitre V", "décision (UE) 2021/914" in French)."""
        return cite(self.article, lang) if self.article else None

    def get(self, key: str) -> str | None:
        return dict(self.extra).get(key)


@cache
def countries() -> dict[str, Country]:
    return {e["code"]: Country(**e) for e in _load("countries.json")["entries"]}


def country(code: str | None) -> Country | None:
    return countries().get((code or "").upper())


def is_country(code: str | None) -> bool:
    return country(code) is not None


def is_eea(code: str | None) -> bool:
    c = country(code)
    return bool(c and c.eea)


@cache
def _adequacy_doc() -> dict:
    return _load("adequacy.json")


@cache
def adequacy_decisions() -> tuple[Adequacy, ...]:
    out = []
    for e in _adequacy_doc()["entries"]:
        out.append(
            Adequacy(
                destination=e["destination"],
                decision=e["decision"],
                date=date.fromisoformat(e["date"]),
                scope=e["scope"],
                condition=e["condition"],
                valid_until=date.fromisoformat(e["valid_until"]) if e["valid_until"] else None,
                source_url=e["source_url"],
                last_checked=date.fromisoformat(e["last_checked"]),
            )
        )
    return tuple(out)


def adequacy_for(destination: str | None, on: date) -> Adequacy | None:
    """The adequacy decision in force for a country code or "org:CODE" on a date, if any (Art. 45)."""
    if not destination:
        return None
    key = destination if destination.startswith("org:") else destination.upper()
    for a in adequacy_decisions():
        if a.destination == key and a.in_force(on):
            return a
    return None


def adequacy_condition_label(condition: str, lang: str) -> str:
    return _adequacy_doc()["conditions"][condition][lang]


@cache
def international_organisations() -> dict[str, Term]:
    return {
        o["code"]: Term(code=o["code"], en=o["name_en"], fr=o["name_fr"])
        for o in _adequacy_doc()["international_organisations"]
    }


@cache
def _vocabularies() -> dict:
    return _load("vocabularies.json")["vocabularies"]


@cache
def vocabulary(name: str) -> dict[str, Term]:
    """Entries of a vocabulary by code, in file order (legal_bases, data_categories, ...)."""
    out = {}
    for e in _vocabularies()[name]["entries"]:
        rest = tuple((k, str(v)) for k, v in e.items() if k not in {"code", "en", "fr", "article"})
        out[e["code"]] = Term(code=e["code"], en=e["en"], fr=e["fr"], article=e.get("article"), extra=rest)
    return out


def vocabulary_source(name: str) -> str:
    return _vocabularies()[name]["source"]


def vocabulary_names() -> tuple[str, ...]:
    return tuple(_vocabularies())


def label(name: str, code: str | None, lang: str) -> str:
    """Label of a code in a vocabulary; the code itself when unknown, so nothing disappears."""
    term = vocabulary(name).get(code or "")
    return term.label(lang) if term else (code or "")


def special_category_codes() -> frozenset[str]:
    return frozenset(c for c, t in vocabulary("data_categories").items() if t.get("group") == "special")


@cache
def flag_messages() -> dict[str, dict[str, str]]:
    """Message templates of the domain flags, by code, in French and English."""
    return _load("flags.json")["flags"]


# The English words of the references, as a French text cites them.
_CITED_FR = (("second subparagraph", "second alinéa"), ("first subparagraph", "premier alinéa"), ("CJEU", "CJUE"),
             ("Chapter", "chapitre"), ("Decision (EU)", "décision (UE)"), ("Recital", "considérant"))


def cite(article: str, lang: str) -> str:
    """A legal reference in the reader's language: article numbers stay, the English words around them change."""
    if lang != "fr":
        return article
    for english, french in _CITED_FR:
        article = article.replace(english, french)
    return article


class _Elided(dict):
    def __missing__(self, key):
        return "…"


def flag_text(code: str, lang: str) -> str:
    """A flag's message from its code alone: details the code does not carry (a country, a count) are elided."""
    template = flag_messages().get(code, {}).get(lang)
    return template.format_map(_Elided()) if template else code
