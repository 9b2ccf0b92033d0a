"""Regular expressions compiled on first use, for the patterns modules define at import.

Every promguard run imports every rule family, and compiling their few dozen patterns costs a
few milliseconds of a pre-commit run's start-up, most of them for rules that never see a file
of their kind. ``lazy(pattern, flags)`` stands for ``re.compile(pattern, flags)``: the first
method called compiles it and binds the compiled pattern's methods to the object, so later calls
cost what a compiled pattern's do. These are promguard's own constant patterns; patterns taken
from scanned files go through promguard.patterns (RE2) instead.
"""

from __future__ import annotations

import re

_BOUND = ("search", "match", "fullmatch", "sub", "subn", "finditer", "findall", "split")


class LazyPattern:
    def __init__(self, pattern: str | bytes, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        compiled = re.compile(*self._source)
        for attr in _BOUND:
            setattr(self, attr, getattr(compiled, attr))
        self.pattern, self.flags = compiled.pattern, compiled.flags
        return getattr(compiled, name)


def lazy(pattern: str | bytes, flags: int = 0) -> re.Pattern:
    return LazyPattern(pattern, flags)  # type: ignore[return-value]
