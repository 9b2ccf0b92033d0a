"""The one place where a regular expression taken from a scanned file is matched.

Any file promguard scans may be written by an attacker (a pull request). A pattern such as
``^([a-z]|[a-z])*Q$`` makes a backtracking engine (Python's re, PCRE) run for ever on a short
string, so patterns from files are never given to ``re``: they are matched with RE2
(google-re2), whose time is linear in the text. RE2 is imported on the first pattern matched,
so a scan that matches none does not pay for it.

The answer is tri-state: True, False, or None (UNKNOWN) when the pattern cannot be evaluated:
it uses syntax RE2 lacks (backreferences, lookaround, possessive quantifiers, atomic groups,
``\\Z``, recursion ...), it does not compile, or it is longer than MAX_PATTERN. None never means
"matches nothing": each caller decides what an unknown match means for its rule.
"""

from __future__ import annotations

import functools

UNKNOWN = None
# Longer patterns are not compiled: real ones are a line; RE2 compiles in time and memory that
# grow with the pattern, and this keeps one file's patterns from costing more than its text.
MAX_PATTERN = 4096
_FAILED = object()


def search(pattern: str, text: str, *, ignore_case: bool = False) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``text`` (Python's re.search, PCRE's default
    unanchored match); None when the pattern cannot be evaluated."""
    compiled = _compile(pattern, ignore_case)
    if compiled is _FAILED:
        return UNKNOWN
    try:
        return compiled.search(text) is not None
    except (UnicodeError, ValueError):  # text RE2 cannot take (a lone surrogate)
        return UNKNOWN


def fullmatch(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` matches the whole of ``text``; None when it cannot be evaluated."""
    compiled = _compile(pattern, False)
    if compiled is _FAILED:
        return UNKNOWN
    try:
        return compiled.fullmatch(text) is not None
    except (UnicodeError, ValueError):
        return UNKNOWN


def nginx_location(modifier: str, pattern: str, uri: str) -> bool | None:
    """Whether a ``location ~ pattern`` (``~*``: case-insensitive, PCRE_CASELESS in nginx)
    matches ``uri``; None when the pattern cannot be evaluated."""
    return search(pattern, uri, ignore_case=modifier == "~*")


@functools.lru_cache(maxsize=1024)  # bounded: a file may hold many thousands of patterns
def _compile(pattern: str, ignore_case: bool):
    if len(pattern) > MAX_PATTERN:
        return _FAILED
    import re2  # only when a pattern is matched: importing it costs start-up time

    options = re2.Options()
    options.log_errors = False  # a bad pattern is an UNKNOWN answer, not a line on stderr
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options)
    except (re2.error, UnicodeError, ValueError, TypeError):
        return _FAILED
