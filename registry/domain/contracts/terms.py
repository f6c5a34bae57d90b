"""Contract terms as values (objection period, breach delay, audits, retention, sub-processors, transfer
mechanisms) and outdated legal references, read from passages of a segmented contract."""

import re
import unicodedata
from dataclasses import dataclass

from registry.domain.contracts.segment import QUOTES, Passage, fold

_NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "dix": 10,
    "douze": 12, "quinze": 15, "trente": 30, "soixante": 60, "quarante-huit": 48, "vingt-quatre": 24,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "ten": 10, "fifteen": 15,
    "thirty": 30, "sixty": 60, "twelve": 12, "twenty-four": 24, "forty-eight": 48, "seventy-two": 72,
}
_NUM = r"(\d{1,4}|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")"
# "quinze (15) jours", "15 jours", "fifteen (15) days", "30 days'".
_AMOUNT = _NUM + r"(?:\s*\((\d{1,4})\))?\s*"


def _value(word: str, digits: str | None) -> int:
    return int(digits) if digits else int(word) if word.isdigit() else _NUMBER_WORDS[word]


@dataclass(frozen=True)
class Found:
    """A term value and the passage that states it."""

    value: object
    quote: str
    page: int | None
    line: int


def _found(value: object, p: Passage) -> Found:
    return Found(value, p.quote[:600], p.page, p.line)


_DAYS = re.compile(r"\b" + _AMOUNT + r"(?:jours?|days?)\b")
_HOURS = re.compile(r"\b" + _AMOUNT + r"(?:h\b|heures?|hours?)")
_UNDUE = re.compile(r"dans les meilleurs delais|dans les plus brefs delais|sans delai injustifie|sans retard injustifie"
                    r"|without undue delay|as soon as possible|promptly|immediatement|immediately")
_SUBPROCESSOR = re.compile(r"sous-trait|sub-?processor|another processor|other processors")
_OBJECTION = re.compile(r"objection|s'opposer|opposition|\bobject\b")
_AUDIT = re.compile(r"\baudit")
_PER_YEAR = re.compile(r"\b" + _AMOUNT + r"fois par an|once (?:a|per|every) year|\bannual")
_NOTICE = re.compile(r"(?:preavis|prevenance|notice)\D{0,25}" + _AMOUNT + r"(?:jours?|days?)|" + _AMOUNT + r"(?:jours?|days?)'? (?:prior )?(?:notice|de preavis)")
_RETENTION_VERB = re.compile(r"conserv\w*|detrui\w*|supprim\w*|archiv\w*|retention|retain\w*|kept|delet\w*|destroy\w*|effac\w*")
_DURATION = re.compile(r"\b" + _AMOUNT + r"(jours?|mois|ans?|annees?|semaines?|days?|weeks?|months?|years?)\b(?! ?(?:sur|/|a) ?\d)")
_UNITS = {"jour": "day", "day": "day", "semaine": "week", "week": "week", "mois": "month", "month": "month",
          "an": "year", "annee": "year", "year": "year"}


def objection_periods(ps: list[Passage]) -> list[Found]:
    """Days the controller has to object to a new sub-processor (Art. 28(2))."""
    out = []
    for p in ps:
        if _OBJECTION.search(p.folded) and (_SUBPROCESSOR.search(p.folded) or _SUBPROCESSOR.search(fold(p.clause))):
            out += [_found(_value(m.group(1), m.group(2)), p) for m in _DAYS.finditer(p.folded)]
    return out


def breach_delays(ps: list[Passage]) -> list[Found]:
    """Hours to notify the controller of a breach (Art. 33(2)), else the wording used ("dans les meilleurs délais")."""
    out = []
    for p in ps:
        hours = [_value(m.group(1), m.group(2)) for m in _HOURS.finditer(p.folded)]
        if hours:
            out += [_found(h, p) for h in hours]
        elif m := _UNDUE.search(p.folded):
            out.append(_found(_original(p.text, m.group(0)), p))
    return out


BREACH_CONTENT: tuple[tuple[str, re.Pattern], ...] = (
    ("33_3_a", re.compile(r"nature de la violation|nature of the (?:personal data )?breach")),
    ("33_3_b", re.compile(r"delegue a la protection des donnees|point de contact|data protection officer|contact point")),
    ("33_3_c", re.compile(r"consequences probables|likely consequences")),
    ("33_3_d", re.compile(r"mesures.{0,60}(?:remedier|prises|proposees|attenuer)|measures (?:taken|proposed)")),
)


def breach_notice_content(ps: list[Passage]) -> list[str]:
    """Which of the Art. 33(3)(a)-(d) particulars the breach notice to the controller must contain."""
    text = " ".join(p.folded for p in ps)
    return [code for code, pattern in BREACH_CONTENT if pattern.search(text)]


def _original(text: str, folded_phrase: str) -> str:
    """The phrase as the contract writes it (accents included), found back from its folded form."""
    base = "".join(unicodedata.normalize("NFKD", c)[0] for c in text.translate(QUOTES)).lower()
    m = re.search(r"\s+".join(map(re.escape, folded_phrase.split())), base)
    return text[m.start():m.end()] if m and len(base) == len(text) else folded_phrase


def audit_terms(ps: list[Passage]) -> tuple[list[Found], list[Found]]:
    """Audits allowed per year, and days of notice the controller must give (Art. 28(3)(h))."""
    freq, notice = [], []
    for p in ps:
        if not _AUDIT.search(p.folded):
            continue
        freq += [_found(1 if m.group(0).startswith(("once", "annual")) else _value(m.group(1), m.group(2)), p)
                 for m in _PER_YEAR.finditer(p.folded)]
        for m in _NOTICE.finditer(p.folded):
            g = m.groups()
            notice.append(_found(_value(g[0], g[1]) if g[0] else _value(g[2], g[3]), p))
    return freq, notice


def retention_periods(ps: list[Passage]) -> list[Found]:
    """Durations for which data are kept, archived or after which they are destroyed (Art. 5(1)(e), 28(3)(g))."""
    out = []
    for p in ps:
        if not _RETENTION_VERB.search(p.folded):
            continue
        seen = set()
        for m in _DURATION.finditer(p.folded):
            unit = _UNITS.get(re.sub(r"s$", "", m.group(3)), _UNITS.get(m.group(3)))
            value = _value(m.group(1), m.group(2))
            if unit and (value, unit) not in seen:  # "1 an (une année)" states one duration
                seen.add((value, unit))
                out.append(_found({"value": value, "unit": unit}, p))
    return out


MECHANISMS: tuple[tuple[str, re.Pattern], ...] = (
    ("scc_2021", re.compile(r"2021/914|(?:clauses contractuelles types|standard contractual clauses).{0,60}2021")),
    ("scc_2010", re.compile(r"2010/87|2001/497|2004/915|(?:clauses contractuelles types|standard contractual clauses).{0,60}(?:2010|2001|2004)")),
    ("scc", re.compile(r"clauses contractuelles types|standard contractual clauses|\bscc\b")),
    ("dpf", re.compile(r"data privacy framework|\bdpf\b|cadre de protection des donnees ue-etats-unis")),
    ("bcr", re.compile(r"regles d'entreprise contraignantes|binding corporate rules|\bbcr\b")),
    ("adequacy", re.compile(r"decision d'adequation|adequacy decision")),
    ("art46_safeguards", re.compile(r"garanties appropriees (?:prevues|au sens|visees)|appropriate safeguards (?:provided|under|referred)")),
    ("privacy_shield", re.compile(r"privacy shield|bouclier de protection")),
)


def transfer_mechanisms(ps: list[Passage]) -> list[Found]:
    """Chapter V mechanisms the contract names; a dated SCC set replaces the generic 'scc'."""
    out: dict[str, Found] = {}
    for p in ps:
        for code, pattern in MECHANISMS:
            if code not in out and pattern.search(p.folded):
                out[code] = _found(code, p)
    if "scc_2021" in out or "scc_2010" in out:
        out.pop("scc", None)
    return list(out.values())


def is_eu_only(ps: list[Passage]) -> Found | None:
    """The passage saying data are stored/hosted only in the EU/EEA, if any."""
    pat = re.compile(r"(?:stock\w+|heberg\w+|situes?|localis\w+|stored|hosted|located).{0,60}(?:exclusivement|uniquement"
                     r"|seulement|exclusively|only|solely) (?:situes? )?(?:dans|en|in|within) (?:l'union europeenne|l'ue|l'eee"
                     r"|the european union|the eu|the eea)\b")
    return next((_found(True, p) for p in ps if pat.search(p.folded)), None)


OUTDATED: tuple[tuple[str, str, str, re.Pattern], ...] = (
    ("privacy_shield", "Privacy Shield (invalidated by the CJEU, Schrems II, 16 July 2020)",
     "Privacy Shield (invalidé par la CJUE, Schrems II, 16 juillet 2020)", re.compile(r"privacy shield|bouclier de protection")),
    ("safe_harbor", "Safe Harbor (invalidated by the CJEU, Schrems I, 6 October 2015)",
     "Safe Harbor (invalidé par la CJUE, Schrems I, 6 octobre 2015)", re.compile(r"safe harbou?r|sphere de securite")),
    ("directive_95_46", "Directive 95/46/EC (repealed by the GDPR on 25 May 2018)",
     "Directive 95/46/CE (abrogée par le RGPD le 25 mai 2018)", re.compile(r"(?<!abrogeant la directive )(?<!repealing directive )\b95/46")),
    ("scc_2010", "2010 standard contractual clauses (repealed; replaced by Decision 2021/914)",
     "Clauses contractuelles types de 2010 (abrogées ; remplacées par la décision 2021/914)",
     MECHANISMS[1][1]),
    ("cnil_declaration", "Declaration to the CNIL (regime abolished on 25 May 2018)",
     "Déclaration à la CNIL (régime supprimé le 25 mai 2018)",
     re.compile(r"declaration (?:prealable |normale |simplifiee )?(?:a|aupres de) (?:la )?(?:cnil|commission nationale)"
                r"|recepisse (?:de (?:la )?)?cnil|dispense de declaration|declaration cnil")),
)
_LAW_1978 = re.compile(r"78-17|6 janvier 1978|informatique et libertes")
_GDPR = re.compile(r"\brgpd\b|\bgdpr\b|2016/679|reglement general sur la protection|general data protection regulation")


def outdated_references(ps: list[Passage], lang: str = "en") -> list[tuple[str, str, Found]]:
    """(code, explanation, first passage) for each outdated reference the contract relies on."""
    out = []
    for code, en, fr, pattern in OUTDATED:
        hit = next((p for p in ps if pattern.search(p.folded)), None)
        if hit:
            label = fr if lang == "fr" else en
            if code == "cnil_declaration" and re.search(r"n\s*°?\s*x{2,}", hit.folded):
                label += " — n° XXX jamais rempli" if lang == "fr" else " — number left as 'XXX'"
            out.append((code, label, _found(code, hit)))
    law = next((p for p in ps if _LAW_1978.search(p.folded)), None)
    if law and not any(_GDPR.search(p.folded) for p in ps):
        label = ("Loi n° 78-17 du 6 janvier 1978 citée sans le RGPD" if lang == "fr"
                 else "Law 78-17 of 6 January 1978 cited without the GDPR")
        out.append(("law_1978_without_gdpr", label, _found("law_1978_without_gdpr", law)))
    return out
