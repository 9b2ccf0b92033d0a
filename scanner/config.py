"""Settings from `[tool.promguard]` in pyproject.toml or a `.promguard.toml`, found by walking up
from the scanned paths to the repository root (or named with --config). Command-line flags win
over the file. A key, value or rule ID that is not right stops the scan (exit 2) with the file
and line, so that a typo never silently turns a check off.

    [tool.promguard]
    select = ["PROM", "WEB", "XF"]
    ignore = ["DC10"]
    fail-on = "high"
    exclude = ["vendor/**", "**/*.example.yml"]
    jobs = 2
    max-file-size = "4M"

    [tool.promguard.severity]          # per-rule (or prefix) severity
    DC01 = "high"

    [tool.promguard.per-path-ignores]  # glob -> rule IDs or prefixes
    "test/**" = ["PROM02", "AM01"]

    [tool.promguard.kinds]             # glob -> kind, for files whose name and content do not say
    "deploy/stack.yaml" = "compose"
"""

from __future__ import annotations

import os
import re

from .limits import DEFAULT_MAX_FILE_BYTES

_KEYS = (
    "select",
    "ignore",
    "fail-on",
    "exclude",
    "jobs",
    "max-file-size",
    "read-outside",
    "severity",
    "per-path-ignores",
    "kinds",
    "rules",
)
_FAIL_ON = ("critical", "high", "medium", "low", "never")
_SEVERITIES = ("critical", "high", "medium", "low")


def _file_kinds() -> list[str]:
    """The kinds a file can be told to be (systemd units come from host mode; the stack is
    not a file)."""
    from .kinds import installed

    return sorted(kind.name for kind in installed().all() if kind.from_files)


class ConfigError(Exception):
    def __init__(self, message: str, path: str, line: int = 0):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class Config:
    """The settings, resolved: empty when no file is found."""

    def __init__(self, path: str | None = None, root: str | None = None):
        self.path = path  # the file the settings came from
        self.root = root or os.getcwd()  # globs are relative to the file's folder
        self.select: list[str] | None = None
        self.ignore: list[str] | None = None
        self.fail_on: str | None = None
        self.exclude: list[str] = []
        self.jobs: int | None = None
        self.max_file_size: int | None = None
        self.read_outside: bool | None = None
        self.severity: dict[str, str] = {}
        self.per_path_ignores: list[tuple[str, list[str]]] = []
        self.kinds: list[tuple[str, str]] = []

    def narrow_to_tree(self) -> list[str]:
        """Drop what a settings file found in the scanned tree may not widen; the warnings."""
        notes = []
        if self.read_outside:
            self.read_outside = None
            notes.append(
                f"{self.path}: `read-outside` is taken only from the command line or a file "
                "given with --config; ignored"
            )
        if self.max_file_size is not None and self.max_file_size > DEFAULT_MAX_FILE_BYTES:
            self.max_file_size = DEFAULT_MAX_FILE_BYTES
            notes.append(
                f"{self.path}: `max-file-size` above the default ({DEFAULT_MAX_FILE_BYTES:,} "
                "bytes) is taken only from the command line or a file given with --config; "
                "the default applies"
            )
        return notes

    def excluded(self, abspath: str) -> bool:
        if not self.exclude:
            return False
        relative = self.relative(abspath)
        return any(glob_match(pattern, relative) for pattern in self.exclude)

    def kind_of(self, abspath: str) -> str | None:
        if not self.kinds:
            return None
        relative = self.relative(abspath)
        return next((kind for pattern, kind in self.kinds if glob_match(pattern, relative)), None)

    def relative(self, abspath: str) -> str:
        return os.path.relpath(abspath, self.root).replace(os.sep, "/")

    def apply(self, findings: list, root: str) -> list:
        """Severity overrides and per-path ignores on the findings of a scan whose paths are
        relative to ``root``."""
        if not self.per_path_ignores and not self.severity:
            return findings
        kept = []
        for finding in findings:
            relative = self.relative(os.path.join(root, finding.path))
            if any(
                glob_match(pattern, relative) and finding.rule_id.startswith(tuple(ids))
                for pattern, ids in self.per_path_ignores
            ):
                continue
            severity = _longest_prefix(self.severity, finding.rule_id)
            if severity is not None:
                finding.severity = severity
            kept.append(finding)
        return kept


def _longest_prefix(table: dict[str, str], rule_id: str) -> str | None:
    best = None
    for prefix, value in table.items():
        if rule_id.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, value)
    return best[1] if best else None


def find_config(paths: list[str]) -> str | None:
    """The settings file for a scan of ``paths``: the nearest .promguard.toml, or
    pyproject.toml with a [tool.promguard] table, from the first path up to the repository
    root."""
    from .files import up_to_repository, within

    start = os.path.abspath(paths[0] if paths else ".")
    for folder in up_to_repository(start if os.path.isdir(start) else os.path.dirname(start)):
        own = os.path.join(folder, ".promguard.toml")
        # a settings file that is a symlink out of its folder is not that folder's: not read
        if os.path.isfile(own) and within(own, folder):
            return own
        project = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(project) and within(project, folder) and _has_table(project):
            return project
    return None


def _has_table(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(DEFAULT_MAX_FILE_BYTES + 1)
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\[tool\.promguard(\]|\.)", text, re.M) is not None


def settings_for(explicit: str | None, paths: list[str], rule_ids: set[str]):
    """The scan's settings and the warnings about them: from ``explicit`` (--config) as they
    are, or from the file found in the scanned tree, which a pull request can write, so it may
    narrow what is read but never widen it: `read-outside` is ignored there and
    `max-file-size` is capped at the default."""
    if explicit:
        return load_config(explicit, rule_ids), []
    path = find_config(paths)
    config = load_config(path, rule_ids)
    return config, config.narrow_to_tree()


def load_config(path: str | None, rule_ids: set[str]) -> Config:
    """The settings in ``path`` (None: no file, defaults), checked against ``rule_ids``."""
    if path is None:
        return Config()
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(DEFAULT_MAX_FILE_BYTES + 1)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc.strerror or type(exc).__name__}", path) from None
    if len(text) > DEFAULT_MAX_FILE_BYTES:  # a settings file is a few lines; this is not one
        raise ConfigError(f"larger than {DEFAULT_MAX_FILE_BYTES // (1024 * 1024)} MB", path)
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        if not line and "end of document" in str(exc):
            line = text.rstrip("\n").count("\n") + 1
        raise ConfigError(f"not valid TOML: {exc}", path, line) from None
    pyproject = os.path.basename(path) == "pyproject.toml"
    table = data.get("tool", {}).get("promguard", {}) if pyproject else data
    section = "[tool.promguard]" if pyproject else "the file"
    return _read(table, path, text, rule_ids, section)


def _line_from_message(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 0


def _line_of(text: str, key: str) -> int:
    """The line a key is written on (the first one: good enough for an error message). Line by
    line, not one regex over the file: the file may be hostile, and a backtracking pattern
    over a long line would be quadratic."""
    word = re.compile(rf"\b{re.escape(key)}\b")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" \t")
        bare = stripped.lstrip("\"'")
        if bare.startswith(key) and bare[len(key) :].lstrip("\"'").lstrip(" \t").startswith("="):
            return number
        header, closed, _ = stripped[1:].partition("]")
        if stripped.startswith("[") and closed and word.search(header):
            return number
    return 0


def _read(table: dict, path: str, text: str, rule_ids: set[str], section: str) -> Config:
    from difflib import get_close_matches

    config = Config(path, os.path.dirname(os.path.abspath(path)))

    def fail(message, key):
        raise ConfigError(message, path, _line_of(text, key))

    def ids(value, key) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(f"`{key}` must be a list of rule IDs or prefixes", key)
        upper = [v.strip().upper() for v in value]
        for rule_id in upper:
            if not any(r.startswith(rule_id) for r in rule_ids):
                close = get_close_matches(rule_id, sorted(rule_ids), n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                fail(f"`{key}`: no rule ID starts with {rule_id}{hint}", key)
        return upper

    def globs(value, key) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(f"`{key}` must be a list of glob patterns", key)
        return value

    for key, value in table.items():
        if key not in _KEYS:
            close = get_close_matches(key, _KEYS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            fail(f"unknown key `{key}` in {section}{hint}", key)
        if key in ("select", "ignore"):
            setattr(config, key, ids(value, key))
        elif key == "fail-on":
            if value not in _FAIL_ON:
                fail(f"`fail-on` must be one of {', '.join(_FAIL_ON)}, not {value!r}", key)
            config.fail_on = value
        elif key == "exclude":
            config.exclude = globs(value, key)
        elif key == "jobs":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                fail("`jobs` must be a number of processes (0: one per core)", key)
            config.jobs = value
        elif key == "max-file-size":
            config.max_file_size = _size(value, fail)
        elif key == "read-outside":
            if not isinstance(value, bool):
                fail("`read-outside` must be true or false", key)
            config.read_outside = value
        elif key == "severity":
            config.severity = _severities(value, ids, fail)
        elif key == "per-path-ignores":
            if not isinstance(value, dict):
                fail("`per-path-ignores` must be a table: glob = [rule IDs]", key)
            config.per_path_ignores = [(glob, ids(v, glob)) for glob, v in value.items()]
        elif key == "kinds":
            if not isinstance(value, dict):
                fail("`kinds` must be a table: glob = kind", key)
            known = _file_kinds()
            for glob, kind in value.items():
                if kind not in known:
                    fail(f"`kinds`: {kind!r} is not one of {', '.join(known)}", glob)
                config.kinds.append((glob, kind))
        elif key == "rules":
            for rule_id in value if isinstance(value, dict) else {"rules": None}:
                fail(f"rule {rule_id} has no options to set", rule_id)
    return config


def _severities(value, ids, fail) -> dict[str, str]:
    if not isinstance(value, dict):
        fail("`severity` must be a table: rule ID = severity", "severity")
    table = {}
    for rule_id, severity in value.items():
        (checked,) = ids([rule_id], rule_id)
        if severity not in _SEVERITIES:
            fail(f"severity of {checked} must be one of {', '.join(_SEVERITIES)}", rule_id)
        table[checked] = severity
    return table


def _size(value, fail) -> int:
    text = str(value).strip()
    units = {"k": 1024, "m": 1024 * 1024}
    number, unit = (text[:-1], text[-1].lower()) if text[-1:].lower() in units else (text, "")
    if not number.isdigit() or int(number) == 0:
        fail(
            f'`max-file-size` must be bytes, e.g. 500000, "500k" or "4M": {value!r}',
            "max-file-size",
        )
    return int(number) * units.get(unit, 1)


def glob_match(pattern: str, path: str) -> bool:
    """Gitignore-like globs on /-separated relative paths: * and ? within a name, ** across
    folders; a pattern without / matches a name in any folder."""
    if "/" not in pattern.strip("/"):
        pattern = "**/" + pattern.strip("/")
    from . import patterns  # not at start-up: most runs have no glob to match

    # A settings file in the tree may be hostile: "*a*a*a*a*b" backtracks in re, not in RE2
    return bool(patterns.fullmatch(_glob_regex(pattern), path))


_GLOBS: dict[str, str] = {}


def _glob_regex(pattern: str) -> str:
    compiled = _GLOBS.get(pattern)
    if compiled is None:
        out, i = [], 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out.append("(?:.*/)?")
                i += 3
            elif pattern.startswith("**", i):
                out.append(".*")
                i += 2
            elif pattern[i] == "*":
                out.append("[^/]*")
                i += 1
            elif pattern[i] == "?":
                out.append("[^/]")
                i += 1
            else:
                out.append(re.escape(pattern[i]))
                i += 1
        compiled = _GLOBS[pattern] = "".join(out).rstrip("/") + "(?:/.*)?"
    return compiled
