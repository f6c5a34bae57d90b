"""Shell commands: `flask --app app COMMAND`, one module per group (`--help` lists them)."""

import functools

import click
from flask import Flask

from registry.cli import accounts, breaches, changes, contracts, jobs, ops, organisations, pdf, reference, requests, sheets
from registry.cli.common import refusal_message
from registry.domain.refusals import Refused
from registry.migrations import SchemaNotCurrent


def init_cli(app: Flask) -> None:
    """Register every command group on the app's `flask` command line."""
    for module in (organisations, accounts, breaches, changes, contracts, jobs, ops, pdf, reference, requests, sheets):
        for command in module.COMMANDS:
            _as_shell_errors(command)
            app.cli.add_command(command)


def _as_shell_errors(command: click.Command) -> None:
    """A refusal or a database at the wrong revision ends any command with its message, never a traceback."""
    for sub in getattr(command, "commands", {}).values():
        _as_shell_errors(sub)
    callback = command.callback
    if callback is None or getattr(callback, "shell_errors", False):
        return

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except SchemaNotCurrent as exc:
            raise click.ClickException(str(exc)) from None
        except Refused as exc:
            raise click.ClickException(refusal_message(exc)) from None

    run.shell_errors = True
    command.callback = run
