"""Periods as contracts write them, in French and English: "ten (10) days", "trois (3) jours ouvrés", "quinze jours",
"72 heures", "a 15-business-day window", read from folded text (see segment.fold) with their unit kept apart."""

import re
from dataclasses import dataclass

_UNITS_FR = ("zero un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
             "dix-sept dix-huit dix-neuf").split()
_UNITS_EN = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
             "seventeen eighteen nineteen").split()
_TENS_FR = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_TENS_EN = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}


def _number_words() -> dict[str, int]:
    words = {w: i for i, w in enumerate(_UNITS_FR)} | {w: i for i, w in enumerate(_UNITS_EN)}
    words["une"] = 1
    for tens, ones in ((_TENS_FR, _UNITS_FR), (_TENS_EN, _UNITS_EN)):
        for word, value in tens.items():
            words[word] = value
            for i in range(1, 10):
                # "vingt-quatre", "vingt et un", "twenty-four", "twenty four"; "soixante-douze" is 72
                joiner = " et " if tens is _TENS_FR and i == 1 else "-"
                words[f"{word}{joiner}{ones[i]}"] = value + i
                words[f"{word} {ones[i]}"] = value + i
    for i in range(10, 20):
        words[f"soixante-{_UNITS_FR[i]}"] = 60 + i
        words[f"soixante et {_UNITS_FR[i]}"] = 60 + i
    words |= {"quatre-vingt": 80, "quatre-vingts": 80, "quatre-vingt-dix": 90, "cent": 100, "hundred": 100,
              "one hundred": 100, "a hundred": 100}
    return words


NUMBER_WORDS = _number_words()
_WORD_ALTERNATIVES = "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True))
# A figure, a number in words, or both: "ten (10)", "28 (vingt-huit)", "(15)", "quinze".
_AMOUNT = (rf"(?:(?P<digits>\d{{1,4}})(?:\s*\((?P<words_after>{_WORD_ALTERNATIVES})\))?"
           rf"|(?P<words>{_WORD_ALTERNATIVES})(?:\s*\((?P<digits_after>\d{{1,4}})\))?)")

DAY, BUSINESS_DAY, HOUR, WEEK, MONTH, YEAR = "day", "business_day", "hour", "week", "month", "year"
_UNIT = (r"(?P<unit>(?:business|working)[\s-]days?|calendar[\s-]days?|(?:clear|full)\s+days?|days?"
         r"|jours?\s+(?:ouvres|ouvrables|calendaires|francs|pleins)|jours?|heures?|hours?|hrs?\b|h\b"
         r"|semaines?|weeks?|mois|months?|annees?|ans?\b|years?)")
PERIOD = re.compile(rf"(?<![\w.,]){_AMOUNT}(?:'s|s')?[\s-]*{_UNIT}(?![\w])")


@dataclass(frozen=True)
class Period:
    """A number of units and where it sits in the folded text it was read from."""

    value: int
    unit: str
    start: int
    end: int


def unit_of(word: str) -> str:
    """The unit of a folded unit word: business days ("jours ouvrés", "working days") are not days."""
    word = re.sub(r"[\s-]+", " ", word)
    if re.match(r"(?:business|working) day|jours? (?:ouvres|ouvrables)", word):
        return BUSINESS_DAY
    if re.match(r"jour|day|(?:clear|full) day|calendar day", word):
        return DAY
    if re.match(r"heure|hour|hr|h$", word):
        return HOUR
    if re.match(r"semaine|week", word):
        return WEEK
    if re.match(r"mois|month", word):
        return MONTH
    return YEAR


def periods(folded: str) -> list[Period]:
    """Every period stated in a folded passage, in order; a number given both in words and figures counts once."""
    out = []
    for m in PERIOD.finditer(folded):
        figure = m.group("digits") or m.group("digits_after")
        value = int(figure) if figure else NUMBER_WORDS[m.group("words")]
        out.append(Period(value, unit_of(m.group("unit")), m.start(), m.end()))
    return out
