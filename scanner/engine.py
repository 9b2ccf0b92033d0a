"""The scan: find files, work out their kind, parse them, run the rules, apply suppressions."""

from __future__ import annotations

import os
import stat

from . import limits, suppress
from .document import Document
from .file_findings import ALWAYS_ON, BAD_SUPPRESSION, DUPLICATE_KEY, PARSE_ERROR, TOO_LARGE
from .file_findings import SEVERITY as _CORE_SEVERITY
from .files import ReadScope, collect, display_path, read_boundaries
from .kinds import Kinds, is_yaml_name
from .lazy_regex import lazy
from .model import RANK, Finding, assign_fingerprints


class Selection:
    """Which rule IDs are on: --select and --ignore take IDs or ID prefixes."""

    def __init__(self, select=(), ignore=()):
        self.select = tuple(select)
        self.ignore = tuple(ignore)

    def __call__(self, rule_id: str) -> bool:
        if any(rule_id.startswith(p) for p in self.ignore):
            return False
        if rule_id in ALWAYS_ON or not self.select:
            return True
        return any(rule_id.startswith(p) for p in self.select)


class ScanResult:
    def __init__(self):
        self.findings: list[Finding] = []
        self.suppressed: list[Finding] = []
        self.files_scanned = 0
        self.kinds: dict[str, int] = {}
        self.not_checked: dict[str, int] = {}  # recognised kinds whose parser is still to come
        self.parse_errors = 0
        self.rules_run: list = []
        self.errors: list[str] = []  # rules that crashed: an internal failure, exit code 2
        self.checks: list = []  # evidence.Check: rules evaluated on objects (when asked for)
        self.stack = None  # the stack document, for reports that show the stack (when asked)
        self.baseline_hidden = 0  # findings a --baseline file knew
        self.baseline_stale: list[dict] = []  # its entries that no finding matches any more
        self.scope = ReadScope()  # where the scan could open files; reports read no further

    def failing(self, fail_on: str) -> list[Finding]:
        if fail_on == "never":
            return []
        threshold = RANK[fail_on]
        return [f for f in self.findings if RANK[f.severity] >= threshold]


class ScannedFile:
    """What scanning one file produced."""

    def __init__(self, display: str, abspath: str = ""):
        self.display = display
        self.abspath = abspath
        self.kind: str | None = None
        self.findings: list[Finding] = []
        self.parse_error = False
        self.parsed = False  # the file is one of promguard's kinds and parsed
        self.index = 0  # its place in the scan's order (parallel scans put them back in it)
        self.errors: list[str] = []  # rule errors it caused (a parallel scan carries them home)
        self.checks: list = []  # evidence.Check, when the scan records passed checks

    def problem(self, rule_id: str, message: str, line=1, column=1, end_column=None, fix=""):
        self.findings.append(
            Finding(
                rule_id,
                _CORE_SEVERITY[rule_id],
                message,
                self.display,
                line,
                column,
                line,
                end_column,
                "",
                fix,
            )
        )
        if rule_id in (PARSE_ERROR, TOO_LARGE):
            self.parse_error = True


_SNIFF_BYTES = 64 * 1024
# Go-template and Jinja markers: a file with them is rendered into YAML somewhere else.
_TEMPLATE = lazy(r"\{\{-?\s*[.$\w(]|\{%-?\s*\w")
_FIX_UNREADABLE = "Make the file valid UTF-8 YAML; the program that reads it would reject it too."
OUTSIDE = "not read: points outside the scanned folder"
_FIX_OUTSIDE = (
    "Replace the symlink with the file itself, or scan the folder it points into; "
    "`--read-outside` reads it for a local scan of your own files."
)


def _read(
    abspath: str, name_kind: str | None, out: ScannedFile, limit: int, marked=None
) -> bytes | None:
    """The file's bytes, or None (with a finding when the file is one of ours by its name, or
    by the start of its content)."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; what is not a regular file
        # (a FIFO or device would block or never end) is closed unread
        with open(abspath, "rb", opener=_open_nonblocking) as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            size = info.st_size
            if size <= limit:
                return fh.read(limit + 1)
            if name_kind or (marked is not None and marked(fh.read(_SNIFF_BYTES))):
                out.problem(
                    TOO_LARGE,
                    f"file is {size:,} bytes, over the limit of {limit:,}; not scanned",
                    fix="Split the file, or exclude it if it is generated data.",
                )
            return None
    except OSError as exc:
        if name_kind:
            reason = "a symlink loop" if exc.errno == 40 else (exc.strerror or str(exc))
            out.problem(PARSE_ERROR, f"cannot read the file: {reason}", fix=_FIX_UNREADABLE)
        return None


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _decode(data: bytes, out: ScannedFile) -> str | None:
    if b"\0" in data[:8192]:
        out.problem(
            PARSE_ERROR, "binary file (contains NUL bytes); not scanned", fix=_FIX_UNREADABLE
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        out.problem(
            PARSE_ERROR,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); not scanned",
            line,
            column,
            fix=_FIX_UNREADABLE,
        )
        return None


def _top_keys(roots) -> tuple[set[str] | None, object]:
    from .parsers.yaml_tree import Mapping

    for root in roots:
        if isinstance(root, Mapping):
            return set(root.keys()), root
    return None, None


class Session:
    """What one scan shares between files: the rules by kind, the kinds (which hold what they
    judge once: a compose project, an nginx.conf with its includes, the Terraform modules), the
    limits of what may be read. Each unit is judged once; every scanned file keeps the findings
    that point into it."""

    PARSE_ERROR = PARSE_ERROR
    DUPLICATE_KEY = DUPLICATE_KEY

    def __init__(
        self,
        root: str,
        rules_by_kind: dict,
        selection: Selection,
        result: ScanResult,
        kinds: Kinds,
    ):
        self.root = root
        self.rules_by_kind = rules_by_kind
        self.selection = selection
        self.result = result
        self.kinds = kinds
        self.scan_roots: list[str] = []
        self.scan_paths: list[str] = []  # the files and folders the scan was given
        self.read_outside = False  # --read-outside: references may leave the scanned folders
        self.max_file_bytes = limits.DEFAULT_MAX_FILE_BYTES  # --max-file-size
        self.settings = None  # scanner.config.Config: kind overrides
        self.evidence = False  # record passed checks (evidence.Check) for reports
        self._root_set: set[str] = set()
        self._whole_scan: list | None = None
        self._include_roots: dict[str, str] = {}  # a file's folder -> its include_root
        self.files: list[str] = []  # every file of the scan, for what is judged across files
        self.scanned: dict[str, Document] = {}  # scanned documents of the kinds in the stack
        self.context: dict[tuple, Document | None] = {}  # files read only for the stack
        self.scanned_paths: dict[str, str] = {}  # every file of the scan that parsed: its kind
        # A region's session (scanner/regions.py) judges one folder of a large scan; it is
        # escaped once its work reached outside the folder.
        self.region: str | None = None
        self.escaped = False

    def for_region(self, folder: str, files: list[str]) -> Session:
        """A session like this one, with kinds of its own, for the files of one region."""
        result = ScanResult()
        result.scope = self.result.scope
        region = Session(self.root, self.rules_by_kind, self.selection, result, self.kinds.fresh())
        region.scan_roots, region._root_set = self.scan_roots, self._root_set
        region.read_outside, region.max_file_bytes = self.read_outside, self.max_file_bytes
        region.settings, region.files = self.settings, files
        region.scan_paths = self.scan_paths
        region.region = folder
        return region

    def reaches(self, abspath: str) -> None:
        """A unit of a region read ``abspath``: outside the region, the region escaped."""
        region = self.region
        if region is not None and not (
            abspath == region or os.path.normpath(abspath).startswith(region + os.sep)
        ):
            self.escaped = True

    def looked_everywhere(self) -> None:
        """Something was looked up in the whole scan (a host name in every compose project)."""
        if self.region is not None:
            self.escaped = True

    def judge_whole(self, kind) -> list[Finding]:
        """A whole-scan kind's findings; its failure is an error, and the files' own findings
        are still reported."""
        try:
            return kind.judge_scan(self, self.scan_paths)
        except Exception as exc:
            self.result.errors.append(f"the {kind.name} rules failed: {describe(exc)}")
            return []

    def reconsider_all(self, findings: list[Finding]) -> None:
        """Each whole-scan kind looks at the files' findings again (Kind.reconsider); its
        failure is an error and leaves them as they were."""
        for kind in self.whole_scan_kinds():
            try:
                kind.reconsider(self, findings)
            except Exception as exc:
                self.result.errors.append(f"the {kind.name} kind failed: {describe(exc)}")

    def whole_scan_kinds(self) -> list:
        """The kinds with rules that judge the scan once, after its files (the stack)."""
        if self._whole_scan is None:
            found = [self.kinds.get(name) for name in sorted(self.rules_by_kind)]
            self._whole_scan = [k for k in found if k is not None and k.whole_scan]
        return self._whole_scan

    def set_roots(self, folders: list[str]) -> None:
        """The folders the scan was given: includes and references stay below them."""
        self.scan_roots = list(folders)
        self._root_set = set(folders)

    def set_boundaries(self, folders: list[str]) -> None:
        self.result.scope = ReadScope(folders, anywhere=self.read_outside)

    def may_read(self, abspath: str) -> bool:
        """Whether the file's real location is inside the scan: a symlink in a pull request
        must not make the scan open (and quote) a file of the machine that runs it."""
        return self.result.scope.allows(abspath)

    def run(self, rule, doc: Document, display: str) -> list[Finding]:
        try:
            return list(rule.check(doc))
        except Exception as exc:  # one broken rule must not hide the others' findings
            self.result.errors.append(f"rule {rule.id} failed on {display}: {describe(exc)}")
            return []

    def run_rules(self, kind: str, doc: Document, display: str | None = None) -> list[Finding]:
        """The findings of every active rule of ``kind`` on ``doc``."""
        found: list[Finding] = []
        for rule in self.rules_by_kind.get(kind, ()):
            found.extend(self.run(rule, doc, display or doc.path))
        return found

    def kind_of(self, abspath: str) -> str | None:
        """The kind a file has by its name (or by the settings)."""
        forced = self.settings.kind_of(abspath) if self.settings is not None else None
        return forced or self._kind_by_name(abspath)

    def _kind_by_name(self, abspath: str) -> str | None:
        return self.kinds.by_name(abspath)

    def read_text(self, abspath: str) -> Document | None:
        """A text file a unit refers to (an env_file, an include), with the same limits."""
        self.reaches(abspath)
        scratch = ScannedFile(display_path(abspath, self.root))
        readable = os.path.isfile(abspath) and self.may_read(abspath)
        data = _read(abspath, None, scratch, self.max_file_bytes) if readable else None
        text = _decode(data, scratch) if data is not None else None
        return Document(scratch.display, abspath, "text", text, []) if text is not None else None

    def include_root(self, abspath: str) -> str:
        """The folder that files a file refers to (nginx includes, compose extends and
        env_file) must stay inside: the scanned folder, or the file's own folder when it was
        named alone. Nothing outside it is read, unless the scan allows it (--read-outside)."""
        if self.read_outside:
            return os.sep
        start = os.path.dirname(abspath)
        known = self._include_roots.get(start)
        if known is not None:
            return known
        best = folder = start
        roots = self._root_set
        while True:  # the outermost scanned folder above the file
            if folder in roots:
                best = folder
            parent = os.path.dirname(folder)
            if parent == folder:
                self._include_roots[start] = best
                return best
            folder = parent

    def file_problem(self, rule_id: str, message: str, display: str, line: int) -> Finding:
        """A finding about the file itself (PG001 ...) in a file a kind read for a unit."""
        out = ScannedFile(display)
        out.problem(rule_id, message, line)
        return out.findings[0]

    def apply_suppressions(self, findings: list[Finding], text: str, display: str) -> list:
        """The selected ``findings`` of the file ``display``, with the suppressions its text
        holds applied, and its malformed suppression comments as findings."""
        out = ScannedFile(display)
        out.findings = findings
        apply_suppressions(out, text, self.selection)
        return out.findings

    def read_included(self, path: str) -> str | None:
        """The text of a file an nginx include or a Caddyfile import names, with the limits."""
        doc = self.read_text(path)
        return doc.text if doc is not None else None

    def scan_file(self, abspath: str, display: str) -> ScannedFile:
        """What the file gives; an unexpected failure while reading it becomes a finding on it
        (and an internal error for the exit code) and the scan goes on with the next file."""
        from .kinds import KindLoadError

        try:
            return self._scan_file(abspath, display)
        except KindLoadError:
            raise  # a broken plugin stops the scan with its name, as a broken rule does
        except Exception as exc:
            self.result.errors.append(f"scanning {display} failed: {describe(exc)}")
            out = ScannedFile(display, abspath)
            out.problem(
                PARSE_ERROR,
                f"not scanned: promguard failed on this file ({type(exc).__name__}); "
                "please report it",
                fix="Scan the file again with a newer promguard, or report the failure.",
            )
            out.kind = self.kinds.by_name(abspath)
            return out

    def _scan_file(self, abspath: str, display: str) -> ScannedFile:
        out = ScannedFile(display, abspath)
        kind = self.settings.kind_of(abspath) if self.settings is not None else None
        doc, text = self.read_document(abspath, display, out, kind)
        if doc is not None:
            out.kind = doc.kind
            out.parsed = True
            self.scanned_paths[abspath] = doc.kind
            handler = self.kinds.get(doc.kind)
            if (handler.in_stack or self.region is not None) and self.whole_scan_kinds():
                # what the stack is built from; the rest is parsed again when a rule needs
                # it, so that memory does not grow with the number of files (a region lets
                # all of its documents go when it is done, and keeps them until then)
                self.scanned[abspath] = doc
            out.findings.extend(handler.judge(self, doc))
        if text is not None:
            apply_suppressions(out, text, self.selection)
        if self.evidence and doc is not None:
            from .evidence import checks_for

            reported = [f for f in out.findings if f.suppression is None]
            rules = self.rules_by_kind.get(doc.kind, ())
            out.checks = checks_for(doc, rules, reported, self.kinds.get(doc.kind))
        return out

    def read_document(self, abspath: str, display: str, out: ScannedFile, kind: str | None = None):
        """The file parsed as the kind its name and content say (or as ``kind``), and its
        text; (None, text or None) when it is none of promguard's kinds or does not parse,
        with the reason in ``out``."""
        name_kind = kind or self._kind_by_name(abspath)
        handler = self.kinds.get(name_kind)
        is_yaml = is_yaml_name(abspath) or (handler is not None and handler.yaml)
        sniffers = self.kinds.sniffing(abspath) if name_kind is None and not is_yaml else []
        if not is_yaml and not sniffers and handler is None:
            out.kind = name_kind  # recognised; its parser arrives with its own issue
            return None, None
        if not self.may_read(abspath):
            if name_kind:
                out.problem(PARSE_ERROR, OUTSIDE, fix=_FIX_OUTSIDE)
            return None, None
        data = _read(abspath, name_kind, out, self.max_file_bytes, self.kinds.may_be_yaml_kind)
        if data is None:
            return None, None
        by_content = bool(sniffers)
        if sniffers:
            handler = next((k for k in sniffers if k.sniff(data)), None)
            if handler is None:
                return None, None
            name_kind = handler.name
        elif name_kind is None and not self.kinds.may_be_yaml_kind(data):
            return None, None
        text = _decode(data, out)
        if text is None:
            return None, None
        if is_yaml:
            doc = self._yaml_document(abspath, display, name_kind, text, out, forced=kind)
        else:
            out.abspath, out.display = abspath, display
            doc = handler.parse(self, out, text, by_content=by_content)
        if doc is None and out.parse_error:
            out.kind = name_kind
        return doc, text

    def context_document(self, abspath: str, kind: str | None = None) -> Document | None:
        """A file the stack needs that was not scanned (pre-commit passes only the changed
        files): parsed the same way, its own findings dropped; it joins its unit (a compose
        file its project)."""
        if abspath in self.scanned:
            return self.scanned[abspath]
        self.reaches(abspath)
        key = (abspath, kind)
        if key not in self.context:
            self.context[key] = None
            if os.path.isfile(abspath):
                doc, _ = self.read_document(
                    abspath, display_path(abspath, self.root), ScannedFile(""), kind
                )
                if doc is not None:
                    self.kinds.get(doc.kind).adopt(self, doc)
                self.context[key] = doc
        return self.context[key]

    def _yaml_document(self, abspath, display, name_kind, text, out, forced=None):
        from .parsers.yaml_tree import YamlError, parse_yaml

        try:
            parsed = parse_yaml(text)
        except YamlError as exc:
            if _TEMPLATE.search(text):
                out.kind = "template"  # a Helm or Jinja template of a config: not the config
                return None
            out.problem(PARSE_ERROR, exc.message, exc.line, exc.column, fix=_FIX_UNREADABLE)
            return None
        top_keys, first = _top_keys(parsed.documents)
        kind = forced or self.kinds.yaml_kind(name_kind, top_keys, first, abspath)
        if kind is None:
            return None
        for dup in parsed.duplicates:
            key = dup.key
            out.findings.append(
                Finding(
                    DUPLICATE_KEY,
                    _CORE_SEVERITY[DUPLICATE_KEY],
                    f"key `{key.text}` is already defined on line {dup.first.line}; "
                    "Go's YAML decoder rejects the file",
                    display,
                    key.line,
                    key.column,
                    key.end_line,
                    key.end_column,
                    key.path,
                    "Keep one of the two keys.",
                )
            )
        return Document(display, abspath, kind, text, parsed.documents)


def describe(exc: BaseException) -> str:
    """An exception for the error line: its type and where in promguard it was raised, never
    its message, which can quote the scanned file (``invalid literal for int(): 'secret'``)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    place = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{place}"


def apply_suppressions(out: ScannedFile, text: str, selection: Selection) -> None:
    findings = [f for f in out.findings if selection(f.rule_id)]
    suppressions, problems = suppress.parse(text)
    for p in problems:
        if selection(BAD_SUPPRESSION):
            findings.append(
                Finding(
                    BAD_SUPPRESSION,
                    _CORE_SEVERITY[BAD_SUPPRESSION],
                    p.message,
                    out.display,
                    p.line,
                    p.column,
                    p.line,
                    p.end_column,
                )
            )
    # a finding reported with this file but written in another (a module read from outside)
    # is not suppressed by this file's comments
    suppress.mark_suppressed([f for f in findings if f.path == out.display], text, suppressions)
    out.findings = findings


def scan(
    paths: list[str],
    rules: list,
    selection: Selection,
    root: str | None = None,
    jobs: int | None = 1,
    read_outside: bool = False,
    settings=None,
    evidence: bool = False,
    max_file_bytes: int | None = None,
) -> ScanResult:
    """Scan ``paths`` (files or folders) with ``rules``; raises files.PathError for a missing
    path. ``jobs``: processes to use (0 or None: one per core when the scan is large); the
    output is the same whatever the number. ``settings`` (scanner.config.Config) excludes
    files and overrides kinds."""

    root = root or os.getcwd()
    context = new_context(root, rules, selection, tuple(p for p in paths if os.path.isdir(p)))
    rules_by_kind = context.rules_by_kind
    context.read_outside = read_outside
    if max_file_bytes is not None:
        context.max_file_bytes = max_file_bytes
    context.evidence = evidence
    context.set_roots(
        [
            os.path.abspath(p) if os.path.isdir(p) else os.path.dirname(os.path.abspath(p))
            for p in paths
        ]
    )
    context.set_boundaries(read_boundaries(paths))
    context.settings = settings
    context.files = [f for f in collect(paths) if settings is None or not settings.excluded(f)]
    context.scan_paths = list(paths)

    def display(abspath):
        return display_path(abspath, root)

    import gc

    # A scan makes millions of short-lived nodes; the default collection threshold (700)
    # would walk the long-lived ones again and again.
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], 100_000), *threshold[1:])
    try:
        return _scan_files(context, paths, jobs, display, rules_by_kind)
    finally:
        gc.set_threshold(*threshold)


def _scan_files(context, paths, jobs, display, rules_by_kind) -> ScanResult:
    from . import parallel, regions

    result = context.result
    workers = parallel.jobs_for(jobs, len(context.files))
    split = regions.regions_of(context, paths)
    done = regions.scan_regions(context, split, workers, display) if split else None
    if done is not None:
        records = [record for region in done for record in region.records]
        records.sort(key=lambda record: record.index)
        _count(result, records, context)
        every = []
        for region in done:
            result.errors.extend(region.errors)
            every.extend(region.findings)
        return finish(result, every, prepared=True)
    if workers > 1:
        records = parallel.scan_files(context, context.files, workers, display)
        for record in records:
            result.errors.extend(record.errors)
        _adopt_stack_documents(context, records)
    else:
        records = [context.scan_file(abspath, display(abspath)) for abspath in context.files]
    every = _count(result, records, context)
    for kind in context.whole_scan_kinds():
        every.extend(context.judge_whole(kind))
    context.reconsider_all(every)
    return finish(result, every)


def _count(result: ScanResult, records: list, context: Session) -> list[Finding]:
    """The scanned files' findings, with the files counted by kind in the result."""
    every: list[Finding] = []
    for scanned in records:
        result.checks.extend(scanned.checks)
        if context.kinds.get(scanned.kind) is not None or scanned.parse_error:
            result.files_scanned += 1
            if scanned.kind:
                result.kinds[scanned.kind] = result.kinds.get(scanned.kind, 0) + 1
        elif scanned.kind:
            result.not_checked[scanned.kind] = result.not_checked.get(scanned.kind, 0) + 1
        if scanned.parse_error:
            result.parse_errors += 1
        every.extend(scanned.findings)
    return every


def new_context(
    root: str, rules: list, selection: Selection, exclude: tuple[str, ...] = ()
) -> Session:
    """A scan's shared state: the active rules by the kind of file they read, and the kinds
    installed (never from ``exclude``, the scanned folders)."""
    from .kinds import installed

    result = ScanResult()
    result.rules_run = [r for r in rules if selection(r.id)]
    rules_by_kind: dict[str, list] = {}
    for rule in result.rules_run:
        for kind in rule.kinds:
            rules_by_kind.setdefault(kind, []).append(rule)
    return Session(root, rules_by_kind, selection, result, installed(exclude))


def finish(result: ScanResult, every: list[Finding], prepared: bool = False) -> ScanResult:
    """Findings in report order, fingerprinted, split into reported and suppressed;
    ``prepared``: ``prepare`` has been run on every file's share already (the regions of a large
    scan do it in their workers), so they only have to be put in order."""
    if prepared:
        every.sort(key=Finding.sort_key)
    else:
        every = prepare(every)
    for finding in every:
        (result.suppressed if finding.suppression is not None else result.findings).append(finding)
    return result


def prepare(findings: list[Finding]) -> list[Finding]:
    """Credentials masked, one finding per cause, in report order, fingerprinted. Each step
    looks at one file's findings at a time, so the findings of files apart can be prepared
    apart and merged."""
    _mask_credentials(findings)
    findings = _one_per_cause(findings)
    findings.sort(key=Finding.sort_key)
    assign_fingerprints(findings)  # before the split: suppressing a finding keeps its identity
    return findings


def _one_per_cause(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place: a Caddy snippet imported by 1,024 sites, or a YAML
    anchor that two services share, is one line to fix, not 1,024 results (GitHub caps a run
    at 25,000). The first message (in report order) stands for the others and counts them."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        key = (f.rule_id, f.path, f.line, f.column, f.end_line, f.end_column)
        groups.setdefault(key, []).append(f)
    out = []
    for group in groups.values():
        first = min(group, key=Finding.sort_key)
        others = len({f.message for f in group}) - 1
        if others:
            first.message += f" (and {others} more like it from this line)"
        out.append(first)
    return out


def _mask_credentials(findings: list[Finding]) -> None:
    """Rules quote values (an ADD URL, an upstream address); a password inside one must reach
    no report, whatever the format. Done here, once, so that every reporter gets it."""
    if not findings:
        return  # a clean pre-commit run does not pay for the masking patterns
    from .reporters.masking import mask_message

    for finding in findings:
        finding.message = mask_message(finding.message)
        finding.fix = mask_message(finding.fix)
        if finding.related:
            finding.related = [
                (path, line, column, mask_message(note))
                for path, line, column, note in finding.related
            ]


def _adopt_stack_documents(context: Session, records: list) -> None:
    """After a parallel scan the documents live in the workers: the parent parses again the
    few the stack is built from, and remembers which other files were scanned."""
    for record in records:
        if not record.parsed:
            continue
        context.scanned_paths[record.abspath] = record.kind
        if context.kinds.get(record.kind).in_stack:  # what the cross-file rules start from
            doc = context.context_document(record.abspath, record.kind)
            if doc is not None:
                context.scanned[record.abspath] = doc
