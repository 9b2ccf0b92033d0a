"""A scanned file: where it is, what kind it is, its text and its parsed form.

``roots`` holds what the kind's parser made; the accessors say what that is for each kind, so a
rule reads ``doc.nginx`` rather than guessing what ``roots[0]`` is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models.compose import ComposeProject
    from .parsers.caddyfile import Caddyfile
    from .parsers.dockerfile import Dockerfile
    from .parsers.nginx import NginxConfig
    from .parsers.yaml_tree import Mapping


class Document:
    __slots__ = ("path", "abspath", "kind", "text", "roots", "unit", "_lines", "cache")

    def __init__(self, path: str, abspath: str, kind: str, text: str, roots: list):
        self.path = path  # as reports show it: relative to the scan root, forward slashes
        self.abspath = abspath
        self.kind = kind
        self.text = text
        self.roots = roots  # parsed documents (YAML: one located node per --- document)
        self.unit: Any = None  # what the file is judged as part of, when its kind says (kinds/)
        self._lines: list[str] | None = None
        self.cache: dict[str, Any] = {}  # what rules derive from the document once (models)

    @property
    def compose(self) -> ComposeProject | None:
        """A compose file's project (the base file, its overrides, .env), or None."""
        return self.unit if self.kind == "compose" else None

    @property
    def nginx(self) -> NginxConfig | None:
        """An nginx file's configuration, with the files it includes."""
        return self.roots[0] if self.kind == "nginx" and self.roots else None

    @property
    def caddyfile(self) -> Caddyfile | None:
        """A Caddyfile with its imports and snippets expanded."""
        return self.roots[0] if self.kind == "caddy" and self.roots else None

    @property
    def dockerfile(self) -> Dockerfile | None:
        return self.roots[0] if self.kind == "dockerfile" and self.roots else None

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

    def mappings(self) -> list[Mapping]:
        """The documents of the file that are mappings, which is what every config kind is."""
        from .parsers.yaml_tree import Mapping

        return [root for root in self.roots if isinstance(root, Mapping)]


class _In:
    """Where a finding goes: the file a directive is written in."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path


def at(doc: Document, directive: Any) -> _In:
    """For ``Rule.report``: a finding about ``directive`` goes in the file it is written in (an
    nginx include or a Caddy import, maybe), not in the main file that pulled it in."""
    return _In(doc.path_of(getattr(directive, "file", None) or doc.abspath))
