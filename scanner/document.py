"""A scanned file: where it is, what kind it is, its text and its parsed form."""

from __future__ import annotations


class Document:
    __slots__ = ("path", "abspath", "kind", "text", "roots", "compose", "_lines", "_invocations")

    def __init__(self, path: str, abspath: str, kind: str, text: str, roots: list):
        self.path = path  # as reports show it: relative to the scan root, forward slashes
        self.abspath = abspath
        self.kind = kind
        self.text = text
        self.roots = roots  # parsed documents (YAML: one located node per --- document)
        self.compose = None  # compose files: the project (base + overrides) it belongs to
        self._lines: list[str] | None = None
        self._invocations = None  # rules/invocation.py: the programs this file starts

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def mappings(self):
        """The documents of the file that are mappings, which is what every config kind is."""
        from .parsers.yaml_tree import Mapping

        return [root for root in self.roots if isinstance(root, Mapping)]
