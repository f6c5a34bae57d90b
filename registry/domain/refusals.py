"""The one refusal type of a user action: what is wrong, field by field, and what blocks it.

Services and domain rules raise it (or a subclass that says which rule refused); the web shows the
messages at the form's fields and the shell prints them, each in one place (`views/crud.save`,
`cli/common.run_action`). A refusal never names a shell option or a form widget: `errors` is keyed
by the record's field names ("" for the action as a whole).
"""

from collections.abc import Sequence


class Refused(ValueError):
    """A user action refused, nothing written: messages by field, and the blockers that stop it."""

    def __init__(self, errors: dict[str, list[str]] | str, blockers: Sequence = ()):
        self.errors: dict[str, list[str]] = {"": [errors]} if isinstance(errors, str) else errors
        self.blockers = list(blockers)
        super().__init__(self.summary())

    def by_field(self, lang: str = "en") -> dict[str, list[str]]:
        """The messages by field, in `lang` where the rule that refused has words in both languages."""
        return self.errors

    def summary(self, lang: str = "en", names: dict[str, str] | None = None) -> str:
        """One line: "field: message; ..." with each field shown by `names` (a form label, a shell option)."""
        names = names or {}
        parts = []
        for field, messages in self.by_field(lang).items():
            shown = names.get(field, field)
            parts.extend(f"{shown}: {m}" if shown else m for m in messages)
        return "; ".join(parts)
