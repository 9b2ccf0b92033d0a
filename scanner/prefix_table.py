"""Finding, among many strings, the ones a text starts with, without a pass over all of them.

nginx picks a location by the longest prefix of the URI, and a Caddy route looks only at the
handles whose path the request may match: a file with thousands of them must cost O(log N)
per request, not O(N), or the rules that ask a few requests of every block are quadratic.
"""

from __future__ import annotations

import bisect


class PrefixTable:
    """Strings (location prefixes) with a value each, to find those a URI starts with in
    O(log N): sorted, each string knows the longest other string that is a prefix of it."""

    __slots__ = ("_keys", "_values", "_parent")

    def __init__(self, table: dict):
        self._keys = sorted(table)
        self._values = [table[k] for k in self._keys]
        self._parent = []
        chain: list[int] = []  # indexes of the keys that are prefixes of the current one
        for i, key in enumerate(self._keys):
            while chain and not key.startswith(self._keys[chain[-1]]):
                chain.pop()
            self._parent.append(chain[-1] if chain else -1)
            chain.append(i)

    def _longest(self, text: str) -> int:
        # The greatest key <= text starts with the longest key that is a prefix of text (every
        # string sorted between that prefix and text starts with it): climb from there.
        i = bisect.bisect_right(self._keys, text) - 1
        while i >= 0 and not text.startswith(self._keys[i]):
            i = self._parent[i]
        return i

    def longest(self, text: str):
        """The value of the longest key ``text`` starts with, or None."""
        i = self._longest(text)
        return self._values[i] if i >= 0 else None

    def every(self, text: str) -> list:
        """The values of all the keys ``text`` starts with, longest first."""
        found = []
        i = self._longest(text)
        while i >= 0:
            found.append(self._values[i])
            i = self._parent[i]
        return found
