"""docker compose files: a YAML kind judged as a project (the base file with the overrides beside
it, .env, extends and env_file), once, each file keeping the findings that point into it."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..document import Document
from . import YamlKind

if TYPE_CHECKING:
    from ..engine import Session
    from ..model import Finding


class ComposeKind(YamlKind):
    name = "compose"
    in_stack = True
    file_names = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
    name_order = 10
    content_order = 10
    markers = ("services",)
    top_keys = frozenset(
        ("services", "version", "name", "networks", "volumes", "secrets", "configs", "include")
    )

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self.projects: dict[str, list[Document]] = {}  # base file -> its documents
        self.documents: dict[str, Document | None] = {}  # every compose file read
        self.findings: dict[str, list[Finding]] = {}  # base file -> the project's findings

    def by_content(self, keys: set[str], root: Any) -> bool | None:
        if "services" not in keys:
            return None
        # GitLab CI also has a top-level services:, but as a list of images
        return hasattr(root.get("services"), "entries")

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        return [
            (f"service `{key.text}`", key.line, value.end_line)
            for root in doc.mappings()
            if hasattr(services := root.get("services"), "entries")
            for key, value in services.entries
        ]

    def judge(self, scan: Session, doc: Document) -> list[Finding]:
        base, docs = self.project(scan, doc)
        found = self.findings.get(base)
        if found is None:
            found = self.findings[base] = scan.run_rules(self.name, docs[0], doc.path)
        return [f for f in found if f.path == doc.path]

    def adopt(self, scan: Session, doc: Document) -> None:
        self.project(scan, doc)

    def load(self, scan: Session, abspath: str) -> Document | None:
        """Another compose file a project needs (override, extends): parsed with the same
        limits, or None when it cannot be read."""
        if abspath in self.documents:
            return self.documents[abspath]
        from ..parsers.yaml_tree import YamlError, parse_yaml

        doc = scan.read_text(abspath)
        if doc is not None:
            try:
                doc = Document(
                    doc.path, abspath, self.name, doc.text, parse_yaml(doc.text).documents
                )
            except YamlError:
                doc = None
        self.documents[abspath] = doc
        return doc

    def project(self, scan: Session, doc: Document) -> tuple[str, list[Document]]:
        """The compose project ``doc`` belongs to, built once; every member document gets it
        as ``doc.compose``. Returns the project's key (its base file) and its documents, base
        first."""
        from ..files import within
        from ..models import compose
        from ..models.interpolate import parse_env_file

        base = doc.abspath
        if compose.is_override_name(doc.abspath):
            base = compose.base_path(doc.abspath) or doc.abspath
        known = self.projects.get(base)
        if known is not None:
            for member in known:
                if member.abspath == doc.abspath and member is not doc:
                    doc.unit = member.unit
            return base, known
        self.documents[doc.abspath] = doc
        base_doc = self.load(scan, base) if base != doc.abspath else doc
        docs = [base_doc or doc]
        for path in compose.override_paths(base):
            if path != base and os.path.isfile(path):
                override = self.load(scan, path)
                if override is not None:
                    docs.append(override)
        dotenv = scan.read_text(os.path.join(os.path.dirname(base), ".env"))
        env = {k: v for k, (v, _) in parse_env_file(dotenv.text).items()} if dotenv else {}
        limit = scan.include_root(base)

        def inside(read: Callable[[str], Any]) -> Callable[[str], Any]:
            # extends and env_file stay inside the scanned folder, like nginx includes.
            return lambda path: read(path) if within(path, limit) else None

        loader = compose.Loader(inside(lambda path: self.load(scan, path)), inside(scan.read_text))
        project = compose.build_project(docs, env, loader)
        for member in docs:
            member.unit = project
        doc.unit = project
        self.projects[base] = docs
        return base, docs
