"""The one refusal type of a user action: what is wrong, field by field, and what blocks it.

Services and domain rules raise it (or a subclass that says which rule refused); the web shows the
messages at the form's fields and the shell prints them, each in one place (`views/crud.save`,
`cli/common.run_action`). A refusal never names a shell option or a form widget: `errors` is keyed
by the record's field names ("" for the action as a whole).

A message is either plain text or a `Message`: a message id (its English wording, the catalog's msgid) and the
values it names, kept as values (a date, a status code) so that the boundary writes them in the reader's
language, once, where it translates the words.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Message:
    """A refusal's words as a message id with named placeholders ("%(day)s") and the values to put there."""

    msgid: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """The English words with the values as stored (ISO dates, codes): what the shell prints."""
        if not self.values:
            return self.msgid
        return self.msgid % {k: v.isoformat() if isinstance(v, date) else v for k, v in self.values.items()}


class Refused(ValueError):
    """A user action refused, nothing written: messages by field, and the blockers that stop it."""

    def __init__(self, errors: Mapping[str, list[str | Message]] | str | Message, blockers: Sequence = ()):
        self.errors: dict[str, list[str | Message]] = (
            {"": [errors]} if isinstance(errors, str | Message) else dict(errors))
        self.blockers = list(blockers)
        super().__init__(self.summary())

    def by_field(self, lang: str = "en") -> dict[str, list[str | Message]]:
        """The messages by field, in `lang` where the rule that refused has words in both languages; a `Message`
        is left for the boundary to translate."""
        return self.errors

    def summary(self, lang: str = "en", names: dict[str, str] | None = None) -> str:
        """One line: "field: message; ..." with each field shown by `names` (a form label, a shell option)."""
        names = names or {}
        parts = []
        for name, messages in self.by_field(lang).items():
            shown = names.get(name, name)
            parts.extend(f"{shown}: {m}" if shown else str(m) for m in messages)
        return "; ".join(parts)
