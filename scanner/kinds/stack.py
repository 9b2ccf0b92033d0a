"""The stack: the rules that judge several files together (kind "stack"), run once over the
files of the scan after each file was judged on its own.

A stack is held together by its compose files: they name the config files each service mounts,
the Dockerfiles they build, the ports they publish. A scan of folders sees every file; a scan of
a few files (pre-commit passes only the changed ones) still needs the rest, so the compose files
in the scanned files' folders and every folder above them, up to the repository root, are read
for context, and the files they mount are read when a rule asks for them. Reading stays inside
the repository (or the scanned folders outside one) and is bounded.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..document import Document
from ..files import display_path
from ..suppress import mark_suppressed
from . import Kind

if TYPE_CHECKING:
    from ..engine import Session
    from ..model import Finding

MAX_CONTEXT_FILES = 300  # files read only for context in one scan
_COMPOSE_NAMES = ("docker-compose", "compose")


class StackKind(Kind):
    name = "stack"
    whole_scan = True
    from_files = False
    _doc: Document | None = None  # the stack judged in this scan, for ``reconsider``

    def judge_scan(self, scan: Session, paths: list[str]) -> list[Finding]:
        """A finding is kept when it is in a scanned file or depends on one (a related
        location there): a pre-commit run on a changed web config still reports the scrape
        job in the unchanged prometheus.yml that now lacks credentials."""
        stack = StackFiles(scan, paths)
        doc = self._doc = Document("", scan.root, self.name, "", [stack])
        found = scan.run_rules(self.name, doc, "the stack")
        scanned = {display_path(path, scan.root) for path in scan.scanned_paths}
        kept, seen = [], set()
        for finding in found:
            involved = {finding.path} | {path for path, *_ in finding.related}
            key = (finding.rule_id, finding.path, finding.line, finding.column, finding.message)
            if involved & scanned and key not in seen:
                seen.add(key)
                kept.append(finding)
        by_path: dict[str, list[Finding]] = {}
        for finding in kept:
            by_path.setdefault(finding.path, []).append(finding)
        sources = {d.path: d for d in stack.documents()}
        for path in sorted(by_path):
            if path in sources:
                mark_suppressed(by_path[path], sources[path].text)
        kept = [f for f in kept if scan.selection(f.rule_id)]
        if scan.evidence:
            self._evidence(scan, doc, stack, scanned, kept)
        return kept

    def reconsider(self, scan: Session, findings: list[Finding]) -> None:
        """The file rules that know the stack (Rule.in_stack) look at their findings again,
        with the model the stack's rules were judged on."""
        doc = self._doc
        if doc is None:
            return
        from ..rule import Rule

        rules = {
            rule.id: rule
            for kind_rules in scan.rules_by_kind.values()
            for rule in kind_rules
            if type(rule).in_stack is not Rule.in_stack
        }
        wanted = [f for f in findings if f.rule_id in rules]
        if not wanted:
            return
        from ..models.stack import stack_model

        model = stack_model(doc)
        failed: set[str] = set()
        for finding in wanted:
            if finding.rule_id in failed:
                continue
            try:
                rules[finding.rule_id].in_stack(finding, model)
            except Exception as exc:  # a broken hook leaves its findings as they were
                failed.add(finding.rule_id)
                # the type only: a message can quote the scanned file
                scan.result.errors.append(
                    f"rule {finding.rule_id} failed on the stack: {type(exc).__name__}"
                )

    def _evidence(
        self,
        scan: Session,
        doc: Document,
        stack: StackFiles,
        scanned: set[str],
        kept: list[Finding],
    ) -> None:
        """The stack's checks are counted on the compose services they judge."""
        from ..evidence import checks_for

        scan.result.stack = doc
        reported = [f for f in kept if f.suppression is None]
        rules = scan.rules_by_kind.get(self.name, ())
        for compose in stack.documents("compose"):
            if compose.path in scanned:
                kind = scan.kinds.get(compose.kind)
                scan.result.checks.extend(checks_for(compose, rules, reported, kind))


class StackFiles:
    def __init__(self, context: Session, paths: list[str]):
        self._context = context
        self.roots = _roots(paths)
        self._real_roots = [os.path.realpath(root) for root in self.roots]
        self._loaded = 0
        # A scanned folder holds its compose files already; files named alone need theirs.
        named = [os.path.abspath(p) for p in paths if not os.path.isdir(p)]
        for folder in _compose_folders(named, self.roots, self._real_roots):
            for name in _compose_files(folder):
                self.load(os.path.join(folder, name), "compose")

    def documents(self, kind: str | None = None) -> list[Document]:
        """Every parsed document of the stack so far (scanned and read for context), in a
        stable order."""
        found = {doc.abspath: doc for doc in self._context.scanned.values()}
        for doc in self._context.context.values():
            if doc is not None:
                found.setdefault(doc.abspath, doc)
        docs = [found[path] for path in sorted(found)]
        return [d for d in docs if kind is None or d.kind == kind]

    def compose_projects(self) -> list[tuple[Any, Document]]:
        """Each compose project once (a base file with its overrides)."""
        seen, projects = set(), []
        for doc in self.documents("compose"):
            project = doc.compose
            if project is not None and id(project) not in seen:
                seen.add(id(project))
                projects.append((project, doc))
        return projects

    def load(self, abspath: str, kind: str | None = None) -> Document | None:
        """The file at ``abspath`` parsed as ``kind`` (or as its name and content say), or
        None when it is outside the stack, unreadable, not that kind or over the bound."""
        abspath = os.path.normpath(abspath)
        if abspath in self._context.scanned:
            doc = self._context.scanned[abspath]
            return doc if kind is None or doc.kind == kind else None
        real = os.path.realpath(abspath)
        if not any(_inside(real, root) for root in self._real_roots):
            return None
        scanned_as = self._context.scanned_paths.get(abspath)  # parsed by a parallel worker
        if scanned_as is not None and kind is not None and scanned_as != kind:
            return None  # the scan took it for another kind, as a serial scan would
        if (abspath, kind) not in self._context.context and scanned_as is None:
            if self._loaded >= MAX_CONTEXT_FILES:
                return None
            self._loaded += 1
        return self._context.context_document(abspath, kind)

    def read_text(self, abspath: str) -> str | None:
        """The text of a file of the stack that is no kind of promguard's (an entrypoint
        script a Dockerfile copies), inside the stack and within the scan's limits."""
        abspath = os.path.normpath(abspath)
        real = os.path.realpath(abspath)
        if not any(_inside(real, root) for root in self._real_roots):
            return None
        doc = self._context.read_text(abspath)
        return doc.text if doc is not None else None

    def looked_everywhere(self) -> None:
        """A name was looked up in every compose project of the scan, not in one."""
        self._context.looked_everywhere()

    def display(self, abspath: str) -> str:
        return display_path(abspath, self._context.root)


def _roots(paths: list[str]) -> list[str]:
    """Where context may be read from: a scanned folder itself; for a scanned file, the
    repository it is in (its own folder outside one)."""
    roots, repositories = set(), {}
    for path in paths:
        path = os.path.abspath(path)
        if os.path.isdir(path):
            roots.add(path)
            continue
        folder = os.path.dirname(path)
        if folder not in repositories:
            repositories[folder] = _repository(folder) or folder
        roots.add(repositories[folder])
    return sorted(roots)


def _repository(folder: str) -> str | None:
    from ..files import up_to_repository

    top = list(up_to_repository(folder))[-1]
    return top if os.path.exists(os.path.join(top, ".git")) else None


def _compose_folders(named: list[str], roots: list[str], real_roots: list[str]) -> list[str]:
    """The folders of the files named alone and every folder above them inside a root."""
    folders = set()
    for abspath in named:
        folder = os.path.dirname(abspath)
        real = os.path.realpath(folder)
        root = next((r for r, rr in zip(roots, real_roots, strict=True) if _inside(real, rr)), None)
        while root is not None and folder not in folders:
            folders.add(folder)
            if folder == root or os.path.dirname(folder) == folder:
                break
            folder = os.path.dirname(folder)
    return sorted(folders)


def _compose_files(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(
        n
        for n in names
        if n.lower().startswith(_COMPOSE_NAMES) and n.lower().endswith((".yml", ".yaml"))
    )


def _inside(real: str, real_folder: str) -> bool:
    """Both paths already resolved (os.path.realpath): one call per path, not per check."""
    return real == real_folder or real.startswith(real_folder.rstrip(os.sep) + os.sep)
