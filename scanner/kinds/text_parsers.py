"""Kinds read by a parser of their own and judged file by file: Dockerfiles and Caddyfiles."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ..document import Document
from . import Kind

if TYPE_CHECKING:
    from ..engine import ScannedFile, Session


class ParsedKind(Kind):
    """A kind whose module's function turns the text into the document's root, or raises the
    module's error class (with ``message``, ``line`` and ``column``)."""

    parser = ("", "", "")  # module, function, error class
    syntax_fix = ""
    follows_imports = False  # the parser reads the files the text imports

    def parse(
        self, scan: Session, file: ScannedFile, text: str, by_content: bool = False
    ) -> Document | None:
        module_name, function, error = self.parser
        module = importlib.import_module(module_name)
        parse, error_class = getattr(module, function), getattr(module, error)
        try:
            if self.follows_imports:
                root = parse(
                    text,
                    file.abspath,
                    read=scan.read_included,
                    root=scan.include_root(file.abspath),
                )
            else:
                root = parse(text)
        except error_class as exc:
            file.problem(scan.PARSE_ERROR, exc.message, exc.line, exc.column, fix=self.syntax_fix)
            return None
        return Document(file.display, file.abspath, self.name, text, [root])


class DockerfileKind(ParsedKind):
    name = "dockerfile"
    in_stack = True
    file_names = ("dockerfile", "dockerfile.*", "*.dockerfile")
    name_order = 60
    parser = ("promguard.parsers.dockerfile", "parse_dockerfile", "DockerfileError")
    syntax_fix = "Fix the dockerfile syntax at the reported line."

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        stages = getattr(doc.dockerfile, "stages", None) or []
        found = []
        for i, stage in enumerate(stages):
            lines = [x.end_line for x in stage.instructions] or [stage.line]
            found.append((f"stage {i + 1} (FROM {stage.base or '?'})", stage.line, max(lines)))
        return found


class CaddyKind(ParsedKind):
    name = "caddy"
    in_stack = True
    file_names = ("caddyfile", "caddyfile.*", "*.caddyfile")
    name_order = 80
    parser = ("promguard.parsers.caddyfile", "parse_caddyfile", "CaddyError")
    syntax_fix = "Fix the Caddyfile syntax at the reported line (`caddy validate` agrees)."
    follows_imports = True

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        parsed = doc.caddyfile
        return [
            ("site " + ", ".join(a.text for a in site.addresses), site.line, site.end_line)
            for site in (parsed.sites if parsed is not None else ())
            if site.file in (None, "", doc.abspath)
        ]
