"""What every shell command shares: the organisation named by --org, user text made safe, one action per commit."""

import re
from collections.abc import Callable
from typing import TypeVar

import click

from registry.db import get_session
from registry.domain.refusals import Refused
from registry.models import Organisation
from registry.services.organisations import get_by_slug

T = TypeVar("T")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def terminal_safe(text: object) -> str:
    """User text on a terminal: control characters (escape sequences) replaced, so a name cannot rewrite the screen."""
    return _CONTROL.sub("?", "" if text is None else str(text))


def org_or_fail(slug: str) -> Organisation:
    """The organisation named on the command line, or the shell's error naming --org."""
    org = get_by_slug(get_session(), slug)
    if org is None:
        raise click.BadParameter(f"no organisation with slug {slug!r}; `flask --app app orgs` lists them",
                                 param_hint="--org")
    return org


def refusal_message(exc: Refused, options: dict[str, str] | None = None) -> str:
    """A refusal as the shell says it: each field shown as the option that gave it, control characters made safe."""
    return terminal_safe(f"refused, nothing written: {exc.summary('en', options)}")


def run_action(action: Callable[[], T], options: dict[str, str] | None = None) -> T:
    """Run one user action as one transaction: commit once, or roll back and print the refusal.

    `options` maps the record's field names to the command's options ({"client_id": "--client"}), so a
    refusal points at what the user typed. This is the one place the shell translates a refusal.
    """
    session = get_session()
    try:
        result = action()
        session.commit()
        return result
    except Refused as exc:
        session.rollback()
        raise click.ClickException(refusal_message(exc, options)) from None
