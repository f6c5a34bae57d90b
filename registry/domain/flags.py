"""Legal flags raised by the domain rules: a stable code, the article it comes from and the field to fix."""

from dataclasses import dataclass

from registry import reference

SEVERITIES = ("missing", "risk", "warning")
# Which severity a record shows when it has several: a legal exposure first, then what the law requires.
WORST_FIRST = ("risk", "missing", "warning")


@dataclass(frozen=True)
class Flag:
    """One finding. `severity`: missing (the law requires it), risk (a legal exposure), warning ("where possible")."""

    code: str
    article: str
    field: str | None = None
    severity: str = "missing"
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str = "fr") -> str:
        lang = lang if lang in ("fr", "en") else "en"
        template = reference.flag_messages()[self.code][lang]
        return template.format(**{k: _readable(k, v, lang) for k, v in self.params})

    def cite(self, lang: str = "fr") -> str:
        """The legal reference as cited in `lang` ("second alinéa", "CJUE" in French)."""
        return reference.cite(self.article, lang)

    def as_dict(self, lang: str = "fr") -> dict:
        return {
            "code": self.code,
            "article": self.cite(lang),
            "field": self.field,
            "severity": self.severity,
            "message": self.message(lang),
        }


def _readable(key: str, value: str, lang: str) -> str:
    """Country codes and international organisations become names in the reader's language."""
    if key in ("country", "destination"):
        if value.startswith("org:"):
            org = reference.international_organisations().get(value[4:])
            return org.label(lang) if org else value
        country = reference.country(value)
        return country.name(lang) if country else value
    if key == "countries":
        return ", ".join(_readable("country", c.strip(), lang) for c in value.split(","))
    if key == "due":  # a deadline day, written as every page writes dates
        from datetime import date

        from registry.formats import date_text

        return date_text(date.fromisoformat(value), lang)
    return value


def flag(code: str, article: str, field: str | None = None, severity: str = "missing", **params: object) -> Flag:
    return Flag(code, article, field, severity, tuple(sorted((k, str(v)) for k, v in params.items())))


def worst_severity(flags) -> str | None:
    """The severity a record is counted and coloured by (WORST_FIRST), or None without any flag."""
    present = {f.severity for f in flags}
    return next((s for s in WORST_FIRST if s in present), None)
