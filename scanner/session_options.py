"""What every command (scan, fix, report, host mode) settles before it reads a file: which
settings apply, and how a problem with them is told to the person running promguard."""

from __future__ import annotations

import sys


class UsageError(Exception):
    """A mistake on the command line or in the settings: one line on stderr, exit code 2."""


def say(message: str) -> None:
    """One line on stderr; paths and messages in it can come from the scanned files."""
    from .safe_text import escape

    print(escape(message), file=sys.stderr)


def load_settings(args, ids: set[str]):
    """The settings of --config, or of the file found in the tree (narrowed, with warnings);
    ``ids``: every rule ID there is."""
    from .config import ConfigError, settings_for

    try:
        config, warnings = settings_for(getattr(args, "config", None), args.paths, ids)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    for warning in warnings:
        say(f"promguard: warning: {warning}")
    return config
