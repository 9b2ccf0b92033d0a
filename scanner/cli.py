"""The command line: ``promguard scan|rules|explain``.

Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 a usage error, a missing path
or an internal failure (one line on stderr; --debug shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from . import __version__
from .session_options import UsageError, load_settings, say

if TYPE_CHECKING:
    from collections.abc import Iterable

FAIL_ON = ("critical", "high", "medium", "low", "never")


def _text(result, args) -> str:
    from .reporters.text import render

    colour = _use_colour(args)
    return render(result, colour=colour, quiet=args.quiet, show_passed=args.show_passed)


def _json(result, args) -> Iterable[str]:
    from .reporters.json_report import chunks

    return chunks(result, show_passed=args.show_passed)


def _sarif(result, args) -> str:
    from .reporters.sarif import MAX_RESULTS, render_counted

    report, omitted, total = render_counted(result)
    if omitted:
        say(
            f"promguard: warning: {omitted} of {total} results left out of the SARIF log "
            f"(GitHub code scanning takes at most {MAX_RESULTS:,} in a run); the most "
            "severe open ones were kept. `--format json` lists them all."
        )
    return report


def _gitlab(result, args) -> str:
    from .reporters.gitlab import render

    return render(result)


def _junit(result, args) -> str:
    from .reporters.junit import render

    return render(result)


# --format: each reporter is imported only when its format is asked for
REPORTERS = {"text": _text, "json": _json, "sarif": _sarif, "gitlab": _gitlab, "junit": _junit}
FORMATS = tuple(REPORTERS)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with the terminal's width found without importing shutil: argparse
    makes a formatter for every add_argument, and each run of the hook would pay for it."""

    def __init__(self, prog: str):
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):  # one line, not argparse's usage block
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _size(text: str) -> int:
    units = {"k": 1024, "m": 1024 * 1024}
    number, unit = text[:-1], text[-1:].lower()
    if unit not in units:
        number, unit = text, ""
    if not number.isdigit() or int(number) == 0:
        raise argparse.ArgumentTypeError(f"not a size in bytes: {text!r} (e.g. 500k, 4M)")
    return int(number) * units.get(unit, 1)


def _jobs(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a number of processes: {text!r}")
    return int(text)


def _id_list(value: str) -> list[str]:
    return [part.strip().upper() for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="promguard",
        description="Static security scanner for Prometheus monitoring stacks.",
    )
    parser.add_argument("--version", action="version", version=f"promguard {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    scan = sub.add_parser("scan", help="scan files and folders (default: .)")
    scan.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    scan.add_argument("--format", choices=FORMATS, default="text")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE, not stdout")
    scan.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="lowest severity that makes the exit code 1 (default: medium)",
    )
    scan.add_argument(
        "--select",
        type=_id_list,
        default=[],
        metavar="IDS",
        help="only these rule IDs or ID prefixes, comma-separated",
    )
    scan.add_argument(
        "--ignore",
        type=_id_list,
        default=[],
        metavar="IDS",
        help="not these rule IDs or ID prefixes, comma-separated",
    )
    scan.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="processes to scan with (default: one per core for 400 files or more, else 1); "
        "the report is the same whatever N",
    )
    scan.add_argument(
        "--max-file-size",
        type=_size,
        default=None,
        metavar="BYTES",
        help="skip (and report) files larger than this; k and M suffixes (default: 2M)",
    )
    scan.add_argument(
        "--read-outside",
        action="store_true",
        help="also read nginx includes, compose extends/env_file and Terraform modules "
        "outside the scanned folders (for a local scan of your own files)",
    )
    scan.add_argument("--no-color", action="store_true", help="never colour the text output")
    scan.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="text output: findings only, no fix hints or summary",
    )
    scan.add_argument(
        "--host",
        nargs="?",
        const="/",
        default=None,
        metavar="ROOT",
        help="scan this machine's services (systemd units, their environment files, the modes "
        "of the files they read) under ROOT (default /), instead of PATHs",
    )
    scan.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (default: [tool.promguard] in pyproject.toml or .promguard.toml, "
        "found from the scanned paths up to the repository root)",
    )
    scan.add_argument(
        "--baseline",
        metavar="FILE",
        help="hide the findings recorded in FILE; report only new ones (and stale entries)",
    )
    scan.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record today's findings in FILE (they are still reported this time)",
    )
    scan.add_argument(
        "--show-passed",
        action="store_true",
        help="also list the checks that passed, each rule on each object (text and JSON)",
    )
    scan.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    report = sub.add_parser("report", help="write an HTML report for an audit")
    report.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file")
    report.add_argument(
        "--framework",
        choices=("promguard", "cis-docker", "owasp-docker"),
        default="promguard",
        help="the controls to show (default: promguard's baseline)",
    )
    report.add_argument("--config", metavar="FILE", help="settings file, as for scan")
    report.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    fix = sub.add_parser("fix", help="show (or --apply) the fixes that change no behaviour")
    fix.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    fix.add_argument("--apply", action="store_true", help="write the fixes to the files")
    fix.add_argument("--no-color", action="store_true", help="never colour the diff")
    fix.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)

    sub.add_parser("rules", help="list every rule: ID, severity, title")
    explain = sub.add_parser("explain", help="describe one rule")
    explain.add_argument("rule_id", metavar="ID")
    return parser


def _load(paths=(), kinds=None):
    from .registry import load_rules

    return load_rules(exclude=tuple(p for p in paths if os.path.isdir(p)), kinds=kinds)


# Formats that show only the findings: a scan in them needs only the rules of its files' kinds.
# SARIF and JUnit list every rule that ran.
_FINDINGS_ONLY = ("text", "json", "gitlab")


def _kinds_needed(args) -> set[str] | None:
    """The kinds whose rules a scan of a few named files needs (what pre-commit runs): the
    files' own kinds by name and the whole-scan kinds (the stack reads their neighbours).
    None (every rule) for folders, for a file whose kind only its content tells, and for
    reports that list the rules."""
    if args.host is not None or args.show_passed or args.format not in _FINDINGS_ONLY:
        return None
    if not args.paths or args.paths == ["."] or any(os.path.isdir(p) for p in args.paths):
        return None
    from .kinds import installed

    kinds = installed()
    needed = {kind.name for kind in kinds.all() if kind.whole_scan}
    for path in args.paths:
        name = kinds.by_name(os.path.abspath(path))
        if name is None:
            return None
        needed.add(name)
    return needed


def _check_ids(option: str, prefixes: list[str], ids: set[str]) -> None:
    for prefix in prefixes:
        if not any(rule_id.startswith(prefix) for rule_id in ids):
            raise UsageError(
                f"{option} {prefix}: no rule ID starts with it (`promguard rules` lists them)"
            )


def _use_colour(args) -> bool:
    if args.no_color or args.output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def cmd_scan(args) -> int:
    from .engine import Selection, scan
    from .files import PathError
    from .registry import unloaded_ids

    kinds = _kinds_needed(args)
    rules = _load(args.paths, kinds)
    ids = {rule.id for rule in rules} | unloaded_ids(kinds)
    config = load_settings(args, ids)
    if kinds is not None and config.kinds:
        rules = _load(args.paths)  # the settings may make a file another kind
    # the command line wins over the file
    select = args.select or config.select or []
    ignore = args.ignore or config.ignore or []
    fail_on = args.fail_on or config.fail_on or "medium"
    _check_ids("--select", args.select, ids)
    _check_ids("--ignore", args.ignore, ids)
    try:
        max_size = args.max_file_size or config.max_file_size
        if args.host is not None:
            result = _scan_host(args, rules, Selection(select, ignore), max_size)
        else:
            result = scan(
                args.paths,
                rules,
                Selection(select, ignore),
                jobs=args.jobs if args.jobs is not None else config.jobs,
                read_outside=args.read_outside or bool(config.read_outside),
                settings=config,
                evidence=args.show_passed,
                max_file_bytes=max_size,
            )
    except PathError as exc:
        raise UsageError(str(exc)) from None
    root = os.getcwd()
    result.findings = config.apply(result.findings, root)
    result.suppressed = config.apply(result.suppressed, root)
    if args.write_baseline or args.baseline:
        _baseline(args, result)
    report = REPORTERS[args.format](result, args)
    if args.output:
        try:
            # a path that is not UTF-8 on disk goes back out as the bytes it was
            with open(args.output, "w", encoding="utf-8", errors="surrogateescape") as fh:
                _write(fh, report)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="backslashreplace")  # such a path must not crash
        _write(sys.stdout, report)
    for error in result.errors:
        if args.format != "text" or args.output:
            say(f"promguard: error: {error}")
    if result.errors:
        return 2
    return 1 if result.failing(fail_on) else 0


def _write(out, report: str | Iterable[str]) -> None:
    """A report as one text, or in pieces (a large JSON report is never whole in memory)."""
    for chunk in [report] if isinstance(report, str) else report:
        out.write(chunk)


def _baseline(args, result) -> None:
    from .baseline import BaselineError, apply_baseline, read_baseline, write_baseline

    try:
        if args.write_baseline:
            write_baseline(args.write_baseline, result.findings)
        if args.baseline:
            apply_baseline(result, read_baseline(args.baseline))
    except BaselineError as exc:
        raise UsageError(str(exc)) from None


def _scan_host(args, rules, selection, max_file_bytes=None):
    from .host_scan import scan_host

    if args.paths != ["."]:
        raise UsageError("--host reads the machine's own locations: give no PATH")
    if not os.path.isdir(args.host):
        raise UsageError(f"--host {args.host}: no such folder")
    return scan_host(args.host, rules, selection, max_file_bytes)


def cmd_rules(args) -> int:
    rules = _load()
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        print(f"{rule.id:<{width}}  {rule.severity:<8}  {rule.title}")
    return 0


def cmd_explain(args) -> int:
    rules = {rule.id: rule for rule in _load()}
    rule = rules.get(args.rule_id.upper())
    if rule is None:
        from difflib import get_close_matches

        close = get_close_matches(args.rule_id.upper(), list(rules), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(f"no rule {args.rule_id}{hint}")
    from .docs import rule_page

    sys.stdout.write(rule_page(rule))  # the text of docs/rules/<ID>.md
    return 0


def cmd_report(args) -> int:
    from .engine import Selection, scan
    from .files import PathError
    from .reporters.html_report import render

    rules = _load(args.paths)
    config = load_settings(args, {rule.id for rule in rules})
    try:
        selection = Selection(config.select or [], config.ignore or [])
        result = scan(args.paths, rules, selection, settings=config, evidence=True)
    except PathError as exc:
        raise UsageError(str(exc)) from None
    result.findings = config.apply(result.findings, os.getcwd())
    result.suppressed = config.apply(result.suppressed, os.getcwd())
    title = " ".join(os.path.normpath(p) for p in args.paths)
    html = render(result, framework=args.framework, root=os.getcwd(), title=title)
    try:
        with open(args.output, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(html)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"wrote {args.output}: {len(result.findings)} findings, {len(result.checks)} checks")
    return 2 if result.errors else 0


def cmd_fix(args) -> int:
    from .fixes import run_fix

    return run_fix(args, _load(args.paths))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help(sys.stderr)
            return 2
        handler = {
            "scan": cmd_scan,
            "rules": cmd_rules,
            "explain": cmd_explain,
            "fix": cmd_fix,
            "report": cmd_report,
        }[args.command]
        return handler(args)
    except UsageError as exc:
        say(f"promguard: error: {exc}")
        return 2
    except KeyboardInterrupt:
        print("promguard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1  # the reader went away (promguard scan | head); nothing more to say
    except Exception as exc:
        if debug:
            raise
        from .kinds import KindLoadError
        from .registry import RuleLoadError

        if isinstance(exc, (RuleLoadError, KindLoadError)):
            say(f"promguard: error: {exc}")
        else:
            say(
                f"promguard: internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback)"
            )
        return 2
