"""Caddyfiles: parsed with their imports and snippets expanded (inside the scan), judged file
by file; the stack reads their routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ParsedKind

if TYPE_CHECKING:
    from ..document import Document


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
