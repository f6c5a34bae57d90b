"""Shared pieces of the register's forms: the base forms, choice lists from the reference data, tri-state answers."""

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from typing import TypeVar

from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from registry import reference
from registry.collation import collated
from registry.models.checks import unsafe_character

V = TypeVar("V")

# Field names that carry no record data.
_NOT_DATA = {"csrf_token", "version", "add_row"}


def lang() -> str:
    locale = get_locale()
    return locale.language if locale else "fr"


def by_label(choices: Iterable[tuple[V, str]]) -> list[tuple[V, str]]:
    """Choices ordered by their label in the interface language's collation: "Égypte" among the E, "iSendPro" among the I."""
    return collated(choices, lang(), lambda choice: choice[1])


@cache
def _countries_sorted(lg: str) -> tuple[tuple[str, str], ...]:
    items = collated(reference.countries().values(), lg, lambda c: c.name(lg))
    return tuple((c.code, f"{c.name(lg)} ({c.code})") for c in items)


def country_choices(blank: bool = True) -> Callable[[], list[tuple[str, str]]]:
    """Countries in the collation of the interface language by their name there, the code shown so it can be typed."""

    def build():
        return ([("", "—")] if blank else []) + list(_countries_sorted(lang()))

    return build


def vocab_choices(name: str, blank: bool | str = True) -> Callable[[], list[tuple[str, str]]]:
    """Codes of a reference vocabulary with their label (and article, where the term has one).

    In the vocabulary's own order, not alphabetical: the Regulation's letters (Art. 6(1)(a) to (f)), the CNIL's
    grouping of data categories (the sensitive ones together), "Other" last.
    """

    def build():
        lg = lang()
        out = [("", "—" if blank is True else str(blank))] if blank else []
        for term in reference.vocabulary(name).values():
            text = term.label(lg)
            article = term.article_in(lg)
            out.append((term.code, f"{text} ({article})" if article and article not in text else text))
        return out

    return build


def plain_choices(pairs: list[tuple[str, str]], blank: bool = False) -> Callable[[], list[tuple[str, str]]]:
    """Fixed codes with translated labels (lazy strings resolved at render time), in the order given: a scale or a
    life cycle (planned, active, retired) reads in its own order, not alphabetically."""

    def build():
        return ([("", "—")] if blank else []) + [(code, str(label)) for code, label in pairs]

    return build


class Select(SelectField):
    """A select whose blank choice, when it has one, also accepts an absent answer (a field left out of the post)."""

    def pre_validate(self, form):
        if self.data in (None, "") and any(c.value == "" for c in self.iter_choices()):
            return
        super().pre_validate(form)


class MultiCheckboxField(SelectMultipleField):
    """Several records picked by ticking boxes: clearer than a multiple select, and each box is keyboard-reachable."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TriStateField(Select):
    """Yes / No / not stated: a contract that says nothing is not the same as a contract that says no."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators or [Optional()],
            choices=plain_choices([("", _l("Not stated")), ("yes", _l("Yes")), ("no", _l("No"))]),
            **kwargs,
        )

    def process_data(self, value):
        self.data = {True: "yes", False: "no"}.get(value, "")

    def record_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.data)


class CountryField(Select):
    """A country picked from the ISO list; long, so the page adds a type-to-search box when scripts run."""

    def __init__(self, label=None, validators=None, blank: bool = True, **kwargs):
        kwargs.setdefault("render_kw", {})["data-search"] = ""
        super().__init__(
            label,
            validators,
            choices=country_choices(blank),
            invalid_choice_message=_l("Pick a country from the list (ISO 3166-1 code)."),
            **kwargs,
        )


def whole_number(label, top=3650, **kw) -> IntegerField:
    """An optional count (days, hours, times a year) from 0 to `top`."""
    return IntegerField(
        label, [Optional(), NumberRange(0, top, _l("Enter a whole number between %(min)s and %(max)s."))], **kw
    )


class EmailField(StringField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {})["type"] = "email"
        super().__init__(
            label, [Optional(), Email(message=_l("Enter a valid e-mail address."))] + list(validators or []), **kwargs
        )


class OptionalDate(DateField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [Optional()] + list(validators or []), **kwargs)
        self.gettext_message = _l("Enter a date as YYYY-MM-DD.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.gettext_message)) from None


def not_before(other: str, message: str) -> Callable:
    """A date that must not come before another date of the same form (a range ending before it starts)."""

    def check(form, field):
        start = form[other].data
        if isinstance(start, date) and isinstance(field.data, date) and field.data < start:
            raise ValidationError(str(message))

    return check


UNSAFE_TEXT = _l("Remove the invisible control character %(char)s from this answer: it cannot be stored.")
ONE_LINE = _l("This answer takes one line: remove the tab or line break.")


class _Screened(MultiDict):
    """Answers already screened for characters no record may hold (a nested form receives them screened)."""


def _screen(form, formdata) -> _Screened:
    """The answers with each character no record may hold replaced by U+FFFD, noted by field name on the form.

    Replaced, not kept: nothing downstream (a validator's query, the page that shows the answer again) ever sees a
    NUL, and the person sees where the character was. A file's name is screened the same way.
    """
    form.unsafe_answers = {}
    out = _Screened()
    for name, values in formdata.lists():
        for value in values:
            text = value.filename if isinstance(value, FileStorage) else value
            found = unsafe_character(text) if isinstance(text, str) else None
            if found:
                form.unsafe_answers.setdefault(name, found)
                clean = "".join("\ufffd" if unsafe_character(c) else c for c in text)
                value = (FileStorage(value.stream, clean, value.name, value.content_type, headers=value.headers)
                         if isinstance(value, FileStorage) else clean)
            out.add(name, value)
    return out


def _leaves(fields):
    """Every answering field, inside repeatable rows and sub-forms too."""
    for field in fields:
        if isinstance(field, FieldList):
            yield from _leaves(field.entries)
        elif isinstance(field, FormField):
            yield from _leaves(field.form)
        else:
            yield field


class Form(FlaskForm):
    """Base of every form of the app: an answer holding a character no record may hold is refused at its field.

    Control characters (NUL, escape, ...) and unpaired surrogates are refused in every answer and file name; tab
    and line breaks only in one-line answers (a text area keeps them). One place for every form, on both databases.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if data is None or isinstance(data, _Screened):
                return data
            return _screen(form, data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        unsafe = getattr(self, "unsafe_answers", {})
        for field in _leaves(self):
            if field.name in unsafe:
                message = UNSAFE_TEXT % {"char": unsafe[field.name]}
            elif not isinstance(field, TextAreaField) and any(
                isinstance(v, str) and unsafe_character(v, lines=False) for v in field.raw_data or ()
            ):
                message = str(ONE_LINE)
            else:
                continue
            field.errors = [message]
            ok = False
        self._errors = None
        return ok


class RecordForm(Form):
    """Base form: the record's version (optimistic locking) and conversion of the answers to record data."""

    version = HiddenField()

    def requirements(self):
        """Answers one choice makes necessary, as (field, message) pairs: checked even when that field is empty.

        WTForms' Optional() stops a field's own validators on an empty answer, so these live at form level.
        """
        return ()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for name, message in self.requirements():
            field = self[name]
            if not field.errors:
                field.errors = [*field.errors, str(message)]
                ok = False
        self._errors = None
        return ok

    def record_data(self) -> dict:
        """The answers as the record's fields: blank text is None, repeatable rows without content dropped."""
        out = {}
        for name, field in self._fields.items():
            if name in _NOT_DATA or field.type in ("SubmitField",):
                continue
            out[name] = _value(field)
        return out


def _blank_row(entry) -> bool:
    """A row left as it was offered: empty, or only its preset choices (a kind "storage" with no country)."""
    return all(
        f.data in (None, "", False, [], f.default) for name, f in entry.form._fields.items() if name != "csrf_token"
    )


def _value(field):
    if isinstance(field, TriStateField):
        return field.record_value()
    if isinstance(field, FieldList):
        return [_value(entry) for entry in field.entries if not _blank_row(entry)]
    if isinstance(field, FormField):
        return {n: _value(f) for n, f in field.form._fields.items() if n != "csrf_token"}
    if isinstance(field, SelectMultipleField):
        return list(field.data or [])
    data = field.data
    if isinstance(data, str):
        data = data.strip()
        return data or None
    return data


def grow_rows(form: FlaskForm) -> None:
    """The "add a row" button re-renders the form with one more empty row: works without scripts."""
    name = request.form.get("add_row")
    if name in form._fields and isinstance(form[name], FieldList):
        form[name].append_entry()


def spare_rows(form: FlaskForm) -> None:
    """One empty row under each repeatable list, ready to fill in."""
    for field in form:
        if isinstance(field, FieldList):
            field.append_entry()


def as_answers(obj, **extra):
    """A record as an object WTForms can read: JSON rows (dicts) become objects, since FormField reads attributes."""
    from types import SimpleNamespace

    def conv(value):
        if isinstance(value, dict):
            return SimpleNamespace(**{k: conv(v) for k, v in value.items()})
        if isinstance(value, list):
            return [conv(v) for v in value]
        return value

    values = {name: conv(getattr(obj, name)) for name in type(obj).model_fields}
    values.update(extra)
    return SimpleNamespace(**values)
