"""Dockerfiles: parsed into stages and instructions, judged file by file; the stack reads
the images they build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ParsedKind

if TYPE_CHECKING:
    from ..document import Document


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
