"""Contract terms as values (objection period, breach delay, audits, retention, sub-processors, transfer
mechanisms) and outdated legal references, read from passages of a segmented contract."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from registry.domain.contracts.numbers import BUSINESS_DAY, DAY, HOUR, NUMBER_WORDS, periods
from registry.domain.contracts.segment import QUOTES, Passage, fold

# Clause headings and list leads repeat on every passage of their clause: fold each once.
_heading = lru_cache(maxsize=4096)(fold)

_NUM = r"(\d{1,4}|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + r")"
# "quinze (15) jours", "15 jours", "fifteen (15) days", "30 days'".
_AMOUNT = _NUM + r"(?:\s*\((\d{1,4})\))?\s*"


def _value(word: str, digits: str | None) -> int:
    return int(digits) if digits else int(word) if word.isdigit() else NUMBER_WORDS[word]


@dataclass(frozen=True)
class Found:
    """A term value and the passage that states it."""

    value: object
    quote: str
    page: int | None
    line: int


def _found(value: object, p: Passage) -> Found:
    return Found(value, p.quote[:600], p.page, p.line)


_UNDUE = re.compile(r"dans les meilleurs delais|dans les plus brefs delais|sans delai (?:injustifie|indu|excessif)"
                   r"|sans retard (?:injustifie|indu)|without undue delay|without delay|as soon as (?:reasonably )?"
                   r"(?:possible|practicable)|promptly|immediatement|immediately|sans delai\b")
_SUBPROCESSOR = re.compile(r"sous-trait|sub-?processor|subcontractor|another processor|other processors|new processor")
_OBJECTION = re.compile(r"objection|\bobject\b|s'opposer|opposition|contester|\bopposer\b")
_AUDIT = re.compile(r"\baudit")
_PER_YEAR = re.compile(r"\b" + _AMOUNT + r"fois par an|once (?:a|per|every) year|\bannual")
_NOTICE = re.compile(r"(?:preavis|prevenance|notice)\D{0,25}" + _AMOUNT + r"(?:jours?|days?)|" + _AMOUNT + r"(?:jours?|days?)'? (?:prior )?(?:notice|de preavis)")
_RETENTION_VERB = re.compile(r"conserv\w*|detrui\w*|supprim\w*|archiv\w*|retention|retain\w*|kept|delet\w*|destroy\w*|effac\w*")
_DURATION = re.compile(r"\b" + _AMOUNT + r"(jours?|mois|ans?|annees?|semaines?|days?|weeks?|months?|years?)\b(?! ?(?:sur|/|a) ?\d)")
_UNITS = {"jour": "day", "day": "day", "semaine": "week", "week": "week", "mois": "month", "month": "month",
          "an": "year", "annee": "year", "year": "year"}

# What a period in a sub-processor clause measures, read from the words around it.
_AHEAD = re.compile(r"\s*(?:'|s')?\s*(?:de |d')?(?:prior|advance|written notice|notice|preavis|a l'avance|d'avance"
                    r"|avant|before|in advance|ahead)")
_RESOLVE = re.compile(r"resol\w*|resoudre|negotiat\w*|discuss\w*|terminat\w*|resili\w*|cure|remed\w*|migrat\w*")
_WITHIN = re.compile(r"(?:within|in|during|dans|sous|de|d'un delai de|delai de|period of|time of|less than|moins de)"
                     r"\W*(?:(?:the|les|un|a|at least|au moins|maximum|max|following)\s+)*$")
# An objection window that is the notice period itself: "may object within this notice period", "giving the
# controller sufficient time to be able to object ... prior to the engagement" (SCC 2021/915 clause 7.7(a)).
_BACK_REFERENCE = re.compile(r"(?:within|during|in) (?:this|that|the|such) (?:notice |same )?period|(?:dans|pendant|durant|sous)"
                             r" (?:ce|ledit|le meme) (?:meme )?delai|within (?:this|that|such) (?:notice|time)"
                             r"|sufficient time to (?:be able to )?object|(?:temps|delai) suffisant pour (?:pouvoir )?s'opposer"
                             r"|(?:object|s'opposer)\w*.{0,60}(?:prior to|before|avant) (?:the |l'|le |la )?(?:engagement|change"
                             r"|recrutement|recours|changement|prise d'effet)")


def _period_found(value: int, unit: str, p: Passage, quote: str | None = None) -> Found:
    return Found({"value": value, "unit": unit}, (quote or p.quote)[:600], p.page, p.line)


def _subprocessor_clauses(ps: list[Passage]) -> set[str]:
    """Clauses that speak of sub-processors somewhere: "Droit d'opposition : ... 15 jours" belongs to them."""
    return {p.clause for p in ps if _SUBPROCESSOR.search(p.folded) or _SUBPROCESSOR.search(_heading(p.clause))}


def subprocessor_periods(ps: list[Passage]) -> tuple[list[Found], list[Found]]:
    """(objection periods, notice periods) of the sub-processor clauses, each {"value", "unit"} (Art. 28(2)).

    The objection period is the controller's window to object to a new sub-processor; the notice period is how
    long before the change the processor informs it. They are told apart by the words around the figure ("15
    days prior to", "au moins 30 jours à l'avance" are notice; "object within ten (10) days" is objection); a
    resolution or termination period ("if no resolution within thirty (30) days") is neither. An objection
    "within this notice period", or "in sufficient time ... prior to the engagement", takes the notice period
    stated just before it or in the same sentence.
    """
    objections, notices = [], []
    last_notice: tuple[Found, str] | None = None
    context = _subprocessor_clauses(ps)
    for p in ps:
        if p.clause not in context:
            last_notice = None
            continue
        objecting = bool(_OBJECTION.search(p.folded))
        for period in periods(p.folded):
            if period.unit not in (DAY, BUSINESS_DAY):
                continue
            before, after = p.folded[max(0, period.start - 70):period.start], p.folded[period.end:period.end + 40]
            if _AHEAD.match(after) or re.search(r"(?:preavis|prevenance|notice of|notice period of)\W*$", before):
                found = _period_found(period.value, period.unit, p)
                notices.append(found)
                last_notice = (found, p.clause)
            elif objecting and _WITHIN.search(before) and not _RESOLVE.search(before[-45:]):
                objections.append(_period_found(period.value, period.unit, p))
        if objecting and last_notice and last_notice[1] == p.clause and _BACK_REFERENCE.search(p.folded) \
                and not any(f.line == p.line and f.quote == p.quote[:600] for f in objections):
            notice = last_notice[0]
            objections.append(_period_found(notice.value["value"], notice.value["unit"], p,
                                            f"{notice.quote} … {p.quote}" if notice.line != p.line else p.quote))
    return objections, notices


# The event, whatever its name; "violation du Règlement" or "breach of this Agreement" is an infringement, not one.
_BREACH_EVENT = re.compile(r"\b(?:violations?|breach(?:es)?)\b(?! (?:du|de la|des|de|d'une?|of|to|by)\s+(?:[\w-]+\s+){0,3}?"
                           r"(?:reglement\w*|loi|lois|droits?|rights?|propriete|intellectual|brevets?|patents?|obligations?|dispositions?|stipulations?|clauses?|contrat|presentes?"
                           r"|rgpd|gdpr|regulations?|laws?|legislation|agreement|contract|terms|warrant\w*|duty|duties"
                           r"|confidentiality|confidentialite|instructions?)\b)"
                           r"|incidents? (?:de securite|affectant|relatifs? aux donnees)|security incident|incident"
                           r"|failles? de securite|compromission|fuite de donnees|atteinte a la securite")
_NOT_A_BREACH = re.compile(r"(?:material|any|in) breach of (?:this|the|its|these)|breach of contract")
_NAMED_BREACH = re.compile(r"violations? (?:de|des) (?:la securite|donnees)|data breach|breach of (?:personal data|security)"
                           r"|security (?:incident|breach)|incidents? de securite|failles? de securite")
_DATA = re.compile(r"donnees|data|securite|security|personnel|personal")
_NOTIFY = re.compile(r"notif\w*|inform\w*|alert\w*|avert\w*|preven\w*|signal\w*|report\w*|communiqu\w*|tell|advise")
_AUTHORITY = re.compile(r"autorite|authority|cnil|supervisory|regulator|ico\b")
_ROUND_THE_CLOCK = re.compile(r"^\s*(?:sur|/|a|x|per|par)\s*\d|^\s*(?:7|7j)\b")


def breach_clauses(ps: list[Passage]) -> set[str]:
    """Clauses that name a data breach or security incident outright: there, a bare "la violation" is one."""
    return {p.clause for p in ps if _NAMED_BREACH.search(p.folded) or _NAMED_BREACH.search(_heading(p.clause))}


def is_breach_notice(p: Passage, clauses: set[str] = frozenset()) -> bool:
    """A passage about telling someone of a breach or security incident, whatever the word for the event.

    `clauses` (breach_clauses) lets a passage of a breach clause say only "la violation"; elsewhere the passage
    or its heading must also speak of data or security, so that an infringed patent is not a data breach.
    """
    context = f"{_heading(p.clause)} {p.folded}"
    return bool(_BREACH_EVENT.search(context) and (p.clause in clauses or _DATA.search(context))
                and not _NOT_A_BREACH.search(p.folded) and _NOTIFY.search(p.folded))


def breach_delays(ps: list[Passage]) -> list[Found]:
    """Hours to notify the controller of a breach (Art. 33(2)), else the wording used ("dans les meilleurs délais").

    Only passages that tell someone of a breach or security incident count (see is_breach_notice); a figure right
    after the supervisory authority is the controller's own delay (Art. 33(1)), and a figure in a passage that
    notifies nobody ("analyse dans les 4 heures") is an internal step: neither is the delay owed to the controller.
    """
    out = []
    clauses = breach_clauses(ps)
    for p in ps:
        if not is_breach_notice(p, clauses):
            continue
        hours = [h for h in periods(p.folded) if h.unit == HOUR
                 and not _AUTHORITY.search(p.folded[max(0, h.start - 45):h.start])
                 and not _ROUND_THE_CLOCK.match(p.folded[h.end:h.end + 6])]
        if hours:
            out += [_found(h.value, p) for h in hours]
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


# The SCC sets of 2001, 2004 and 2010 by decision number, CELEX number, date of the decision, or "SCC ... 2010".
_SCC_BEFORE_2021 = re.compile(
    r"2010/87|2001/497|2004/915|3(?:2010d0087|2001d0497|2004d0915)|c\(2010\) ?593"
    r"|decision (?:of|du|de la commission du) (?:5 february|february 5,?|5 fevrier|27 december|december 27,?|27 decembre"
    r"|15 june|june 15,?|15 juin) ?(?:2010|2004|2001)"
    r"|(?:clauses contractuelles types|standard contractual clauses|\bsccs?\b)[^.;]{0,120}?\b(?:2010|2001|2004)\b")
# "the 2021 clauses replace those of 2010" names the old set without relying on it.
# ("as may be amended or replaced from time to time" still relies on the set it names.)
_SUPERSEDED = re.compile(r"(?:repeal|replac|supersed)(?:e|es|ed|s|ing)? (?:by|with|the)\b|(?:abroge|remplace)e?s? par"
                         r"|(?:ont|a) (?:remplace|abroge)|no longer|ne sont plus|n'est plus")

# "following the invalidation of the Privacy Shield" names it without relying on it.
_INVALIDATED = re.compile(r"invalid\w*|no longer|n'(?:est|sont) plus|successor|remplac\w*|replac\w*|schrems|annul\w*")

MECHANISMS: tuple[tuple[str, re.Pattern], ...] = (
    ("scc_2021", re.compile(r"2021/914|(?:clauses contractuelles types|standard contractual clauses).{0,60}2021")),
    ("scc_2010", _SCC_BEFORE_2021),
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
        hit = next((p for p in ps if pattern.search(p.folded)
                    and not (code == "scc_2010" and _SUPERSEDED.search(p.folded))
                    and not (code in ("privacy_shield", "safe_harbor") and _INVALIDATED.search(p.folded))), None)
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
