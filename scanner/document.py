"""A scanned file: where it is, what kind it is, its text and its parsed form."""

from __future__ import annotations


class Document:
    __slots__ = ("path", "abspath", "kind", "text", "roots", "unit", "_lines", "cache")

    def __init__(self, path: str, abspath: str, kind: str, text: str, roots: list):
        self.path = path  # as reports show it: relative to the scan root, forward slashes
        self.abspath = abspath
        self.kind = kind
        self.text = text
        self.roots = roots  # parsed documents (YAML: one located node per --- document)
        self.unit = None  # what the file is judged as part of, when its kind says (kinds/)
        self._lines: list[str] | None = None
        self.cache: dict = {}  # what rules derive from the document once (models, programs)

    @property
    def compose(self):
        """A compose file's project (models.compose.ComposeProject: the base file, its
        overrides, .env), or None."""
        return self.unit if self.kind == "compose" else None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def path_of(self, abspath: str) -> str:
        """How reports name another file of the same scan (an included file): relative to the
        same root as this document's own path."""
        if abspath == self.abspath or not abspath:
            return self.path
        import os

        from .files import display_path

        if os.path.isabs(self.path):
            return display_path(abspath, os.path.dirname(self.abspath))
        root = self.abspath[: len(self.abspath) - len(self.path)] or os.sep
        return display_path(abspath, root)

    def mappings(self):
        """The documents of the file that are mappings, which is what every config kind is."""
        from .parsers.yaml_tree import Mapping

        return [root for root in self.roots if isinstance(root, Mapping)]


class _In:
    """Where a finding goes: the file a directive is written in."""

    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path


def at(doc, directive):
    """For ``Rule.report``: a finding about ``directive`` goes in the file it is written in (an
    nginx include or a Caddy import, maybe), not in the main file that pulled it in."""
    return _In(doc.path_of(getattr(directive, "file", None) or doc.abspath))
