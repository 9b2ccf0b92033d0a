"""The Rule interface that built-in and third-party rules implement.

A rule is a class with its metadata as class attributes and a ``check`` method::

    from promguard.rule import Rule

    class NoFooInPrometheus(Rule):
        id = "ACME001"                     # unique, stable forever: alerts are keyed on it
        name = "no-foo"                    # a slug
        title = "foo is set in prometheus.yml"
        severity = "medium"                # critical | high | medium | low
        kinds = ("prometheus",)            # which parsed files the rule reads
        description = "What the rule catches."
        rationale = "Why it matters."
        fix = "How to fix it."
        references = ("https://prometheus.io/docs/...",)   # primary sources, https only
        tags = ("secrets",)                # optional; "security" is always added
        cwe = ("CWE-798",)                 # optional
        controls = ("PGB-05",)             # the promguard baseline controls it evidences
        cis_docker = ()                    # optional, where one applies: e.g. ("5.5",)
        owasp_docker = ()                  # optional, where one applies: e.g. ("RULE #3",)

        def check(self, doc):
            for root in doc.roots:
                node = root.get("foo") if hasattr(root, "get") else None
                if node is not None:
                    yield self.report(doc, node, "foo is set")

``doc`` is a scanner.document.Document: its ``roots`` are the YAML documents of the file as
located nodes (scanner.parsers.yaml_tree). A rule keeps no state between files and yields one
finding per problem, each at the exact key or value it is about.

``controls``, ``cis_docker`` and ``owasp_docker`` name what the rule checks in the terms auditors
use: controls of promguard's baseline (PGB-01 ... PGB-10), items of the CIS Docker Benchmark v1.6
and rules of the OWASP Docker Security Cheat Sheet, by the IDs scanner.controls lists. The
registry refuses a rule that names an ID not listed there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from .model import Finding

if TYPE_CHECKING:
    from .document import Document


class InFile(Protocol):
    """Where a finding is reported: a Document, or ``document.at(doc, directive)`` for the
    file a directive was included from."""

    path: str


class Located(Protocol):
    """Anything a finding can point at: a YAML node, an nginx or Caddy directive, a Terraform
    attribute, a Dockerfile instruction, a compose item."""

    line: int
    column: int
    end_line: int
    end_column: int


class Rule:
    id: str = ""
    name: str = ""
    title: str = ""
    severity: str = ""
    kinds: tuple[str, ...] = ()
    description: str = ""
    rationale: str = ""
    fix: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()  # promguard baseline controls (scanner.controls.BASELINE)
    cis_docker: tuple[str, ...] = ()  # CIS Docker Benchmark v1.6 items (controls.CIS_DOCKER)
    owasp_docker: tuple[str, ...] = ()  # OWASP Docker cheat sheet rules (controls.OWASP_DOCKER)
    precision: str = "high"  # SARIF precision: very-high | high | medium | low
    source: str = ""  # filled in by the loader: the entry point that provided the rule

    def check(self, doc: Document) -> Iterator[Finding]:
        """Yield Finding objects for ``doc``."""
        return iter(())

    def in_stack(self, finding: Finding, stack: Any) -> None:
        """Reconsider one of this rule's findings in a file with what the whole stack shows
        (``stack`` is promguard.models.stack's model): lower ``finding.severity`` where the
        stack proves the danger unreachable, and say why in ``finding.message``. Called after
        the stack's own rules, only for rules that define it."""

    def report(
        self,
        doc: InFile,
        node: Located,
        message: str,
        *,
        end: Located | None = None,
        severity: str | None = None,
        fix: str | None = None,
        key_path: str | None = None,
    ) -> Finding:
        """A finding that starts at ``node`` and ends where ``end`` (default ``node``) ends."""
        end = end if end is not None else node
        return Finding(
            self.id,
            severity or self.severity,
            message,
            doc.path,
            node.line,
            node.column,
            end.end_line,
            end.end_column,
            key_path if key_path is not None else getattr(node, "path", ""),
            fix if fix is not None else self.fix,
        )
