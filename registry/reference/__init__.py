"""Reference data of the register (countries, adequacy decisions, legal regimes, vocabularies), loaded from data files.

The law (regimes.json, adequacy.json) can be replaced by newer dated files installed in a directory given by
`use_directory` (the app's instance folder): `law()` reads those when present, the shipped ones otherwise.
"""

import json
import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from registry.reference.law import Adequacy, InvalidReference, Law, Regime, parse_adequacy, parse_regimes

__all__ = ["Adequacy", "InvalidReference", "Law", "Regime"]

# Files an update may replace, by name; the others are only ever read from the package.
LAW_FILES = ("regimes.json", "adequacy.json")
_directories: list[Path | None] = []  # the installed-law directory of each application context pushed, innermost last
_seen: list[tuple] = [()]


def _load(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text("utf-8"))


def what_if_examples() -> dict[str, dict]:
    """The shipped "what if" examples (data/examples/*.json), by file name without its extension."""
    folder = resources.files(__package__).joinpath("data", "examples")
    return {f.name.removesuffix(".json"): json.loads(f.read_text("utf-8"))
            for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".json")}


def shipped(name: str) -> dict:
    """A law file as shipped with the application, ignoring any installed update."""
    return _load(name)


def _installed_path(name: str) -> Path | None:
    directory = _directories[-1] if _directories else None
    if directory is None or name not in LAW_FILES:
        return None
    path = directory / name
    return path if path.is_file() else None


def _load_law_file(name: str) -> dict:
    path = _installed_path(name)
    return json.loads(path.read_text("utf-8")) if path else _load(name)


def _signature() -> tuple:
    out = []
    for name in LAW_FILES:
        path = _installed_path(name)
        out.append((str(path), os.stat(path).st_mtime_ns) if path else None)
    return tuple(out)


def _refresh() -> None:
    """Drop what was read of the law when the installed files changed (an update, another app's directory)."""
    signature = _signature()
    if signature != _seen[0]:
        _seen[0] = signature
        for cached in (_adequacy_doc, adequacy_decisions, international_organisations, law):
            cached.cache_clear()


def push_directory(directory: Path | str | None) -> None:
    """Read the law from `directory` (an update installed there wins over the shipped files) until `pop_directory`."""
    _directories.append(Path(directory) if directory else None)
    _refresh()


def pop_directory() -> None:
    if _directories:
        _directories.pop()
    _refresh()


def reload() -> None:
    """Read the law files again if an update changed them (after installing one)."""
    _refresh()


def fingerprint() -> tuple:
    """Which law files are read now: anything computed from the law is stale once this changes."""
    _refresh()
    return _seen[0]


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
    return _load_law_file("adequacy.json")


@cache
def adequacy_decisions() -> tuple[Adequacy, ...]:
    return parse_adequacy(_adequacy_doc(), frozenset(countries()))


@cache
def law() -> Law:
    """The law in use: the installed regimes and adequacy decisions if an update was installed, else the shipped."""
    version, published, regimes = parse_regimes(_load_law_file("regimes.json"))
    return Law(version, published, regimes, adequacy_decisions())


def regime(kind: str, on: date) -> Regime | None:
    """The regime of `kind` applicable on a date under the law in use (never a proposal)."""
    return law().regime(kind, on)


def adequacy_for(destination: str | None, on: date) -> Adequacy | None:
    """The adequacy decision in force for a country code or "org:CODE" on a date, if any (Art. 45)."""
    return law().adequacy_for(destination, on)


def adequacy_condition_label(condition: str, lang: str) -> str:
    labels = _adequacy_doc().get("conditions", {}).get(condition) or shipped("adequacy.json")["conditions"].get(condition)
    return labels[lang] if labels else condition


@cache
def international_organisations() -> dict[str, Term]:
    return {
        o["code"]: Term(code=o["code"], en=o["name_en"], fr=o["name_fr"])
        for o in _adequacy_doc().get("international_organisations") or shipped("adequacy.json")["international_organisations"]
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
             ("Chapter", "chapitre"), ("Decision (EU)", "décision (UE)"), ("Recital", "considérant"),
             ("EDPB Opinion", "CEPD, avis"), ("EDPB Guidelines", "CEPD, lignes directrices"))


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
