"""Text from scanned files made safe to show a person: control characters become visible escapes.

File and folder names and file contents are written by whoever opened the pull request. Raw,
an ESC or OSC sequence retitles the terminal, clears the screen or hides the lines above it; a
newline in a file name forges a finding line of its own; bidirectional overrides ("Trojan
Source") make a line read differently from what it says. Every human-readable output passes
its file-derived text through ``escape``, whatever --color says; promguard's own colour codes
are added after it.
"""

from __future__ import annotations

import functools
import re

# C0 (tab kept: harmless, and common in messages quoting a line), DEL, C1, the Unicode line
# and paragraph separators, and the bidirectional embedding, override and isolate marks.
_UNSAFE = "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"


@functools.cache
def _unsafe() -> re.Pattern:
    return re.compile(_UNSAFE)  # compiled on the first text that is not printable


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every control character written as ``\\xNN`` (or ``\\uNNNN``)."""
    if text.isprintable():
        return text
    return _unsafe().sub(_visible, text)


def escape_lines(text: str) -> str:
    """A multi-line text (a diff, an excerpt) with each line escaped and its newlines kept."""
    return "\n".join(escape(line) for line in text.split("\n"))
