"""Helpers shared by the shell commands: the organisation named on the command line, user text made safe."""

import re

import click

from registry.db import get_session
from registry.models import Organisation
from registry.services.organisations import get_by_slug

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def terminal_safe(text: object) -> str:
    """User text on a terminal: control characters (escape sequences) replaced, so a name cannot rewrite the screen."""
    return _CONTROL.sub("?", "" if text is None else str(text))


def org_or_fail(slug: str) -> Organisation:
    org = get_by_slug(get_session(), slug)
    if org is None:
        raise click.ClickException(f"no organisation with slug {slug!r}; `flask --app app orgs` lists them")
    return org
