"""Terraform: every .tf file of the scan is one unit. The modules are judged together, once: a
module that another scanned module calls is judged with the inputs its caller passes, the others
as root modules (tfvars, then defaults); each file gets the findings that point into it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..document import Document
from . import Kind

if TYPE_CHECKING:
    from ..engine import ScannedFile, Session
    from ..model import Finding

_FIX = "Fix the HCL syntax at the reported line (`terraform validate` agrees)."
_PARSED = object()  # a file that parsed and was judged; its tree is let go


class TerraformKind(Kind):
    name = "terraform"
    judged_together = True
    file_names = ("*.tf", "terraform.tfvars", "*.auto.tfvars")
    name_order = 50

    def __init__(self, name: str | None = None):
        super().__init__(name)
        self.files: dict[str, Any] = {}  # abspath -> TfFile, HclError, _PARSED or None
        self.duplicates: dict[str, list[Any]] = {}  # abspath -> repeated arguments
        self.judged: dict[str, list[Finding]] | None = None  # display path -> its findings

    def parse(
        self, scan: Session, file: ScannedFile, text: str, by_content: bool = False
    ) -> Document | None:
        from ..parsers.hcl import HclError

        parsed = self._file(scan, file.abspath)
        if isinstance(parsed, HclError):
            file.problem(scan.PARSE_ERROR, parsed.message, parsed.line, parsed.column, fix=_FIX)
            return None
        if parsed is None:
            return None
        for duplicate in self.duplicates.get(file.abspath, ()):
            file.problem(
                scan.DUPLICATE_KEY,
                f"argument `{duplicate.name}` is set twice in this block; terraform "
                "rejects the file",
                duplicate.line,
                duplicate.column,
                duplicate.column + len(duplicate.name),
                fix="Keep one of the two arguments.",
            )
        roots = [] if parsed is _PARSED else [parsed]
        return Document(file.display, file.abspath, self.name, text, roots)

    def objects(self, doc: Document) -> list[tuple[str, int, int]]:
        body = getattr(doc.roots[0], "body", None) if doc.roots else None
        return [
            (f"{block.type} {'.'.join(block.labels)}", block.line, block.end_line)
            for block in (body.blocks if body is not None else ())
            if block.type in ("resource", "module", "variable") and block.labels
        ]

    def judge(self, scan: Session, doc: Document) -> list[Finding]:
        if self.judged is None:
            self.judged = self._judge(scan)
            # every module is judged: the parsed files are not needed again, their errors are
            for abspath, parsed in self.files.items():
                if parsed is not None and not isinstance(parsed, Exception):
                    self.files[abspath] = _PARSED
        return self.judged.get(doc.path, [])

    def _file(self, scan: Session, abspath: str) -> Any:
        """The parsed .tf or .tfvars file, or the HclError that stopped it, or None when it
        cannot be read; each file is parsed once per scan."""
        if abspath in self.files:
            return self.files[abspath]
        from ..models.terraform import TfFile
        from ..parsers.hcl import HclError, parse_hcl

        self.files[abspath] = None
        doc = scan.read_text(abspath)
        if doc is None:
            return None
        try:
            parsed: Any = TfFile(doc.path, abspath, parse_hcl(doc.text))
            self.duplicates[abspath] = list(_duplicates(parsed.body))
        except HclError as exc:
            parsed = exc
        self.files[abspath] = parsed
        return parsed

    def _judge(self, scan: Session) -> dict[str, list[Finding]]:
        from ..files import display_path, within
        from ..models import terraform

        def parse(abspath: str) -> Any:
            parsed = self._file(scan, abspath)
            return parsed if isinstance(parsed, terraform.TfFile) else None

        def listdir(folder: str) -> list[str]:
            try:
                return [n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n))]
            except OSError:
                return []

        folders = sorted({os.path.dirname(f) for f in scan.files if scan.kind_of(f) == self.name})
        limits_of = {folder: scan.include_root(os.path.join(folder, "x")) for folder in folders}
        loader = terraform.Loader(parse, listdir, lambda folder: True)
        called = set()
        for folder in folders:
            files, _ = loader.files(folder)
            called.update(terraform.local_sources(files, folder))
        judged: dict[str, list[Finding]] = {}
        seen = set()
        scanned = {display_path(f, scan.root) for f in scan.files}
        for folder in folders:
            if folder in called:
                continue  # judged through its callers, with the values they pass
            limit = limits_of[folder]
            loader.allowed = lambda path, limit=limit: within(path, limit)
            root = loader.module(folder)
            for module in terraform.walk_modules(root):
                doc = Document(display_path(folder, scan.root), folder, self.name, "", [module])
                for finding in scan.run_rules(self.name, doc):
                    key = (finding.rule_id, finding.path, finding.line, finding.column)
                    if key not in seen:
                        seen.add(key)
                        judged.setdefault(_reported_in(finding, scanned), []).append(finding)
        return judged


def _reported_in(finding: Finding, scanned: set[str]) -> str:
    """The scanned file a finding is reported with: its own, or (a module read from outside
    the scanned folders) the scanned file its value came from."""
    if finding.path in scanned:
        return finding.path
    return next((path for path, *_ in finding.related if path in scanned), finding.path)


def _duplicates(body: Any, depth: int = 0) -> Iterator[Any]:
    yield from body.duplicates
    if depth < 50:
        for block in body.blocks:
            yield from _duplicates(block.body, depth + 1)
