"""``promguard fix``: the fixes that remove a risk without changing what the stack does.

The files are scanned as ``promguard scan`` would (every rule); each finding whose rule has a
safe fix becomes an edit of the file it points into:

* DC11 (a config mount without ``:ro``): ``:ro`` on the service's config and secret-file bind
  mounts (``read_only: true`` in the long syntax), for programs promguard knows never write
  there;
* DC10 (hardening missing): ``security_opt: ["no-new-privileges:true"]``, or the option added
  to the service's own ``security_opt`` list;
* NGX08 (``server_tokens on``): ``server_tokens off;``, on that line only;
* AM03 (``require_tls: false`` with SMTP authentication): ``true``, when the smarthost is on the
  submission port 587 (or on 25 with authentication), where STARTTLS is offered.

Compose and alertmanager files are rewritten with ruamel.yaml's round-trip mode, with the file's
own indentation, so comments, order and quoting stay; an edit is kept only when the rewritten
file differs from the old one on the edited line alone and reads back as the same data with
only the intended change. Anything else (a fix that needs a human decision, or that cannot be
written without touching other lines) is printed as advice and never applied.
"""

from __future__ import annotations

import os
import sys

from ..model import MASK
from ..reporters.masking import mask_lines, mask_message
from ..safe_text import escape
from .planner import NO_REWRITE, Fix, Planner, edit_nginx, edit_yaml
from .writer import refusal, write_all
from .yaml_edit import FixError, SourceText

# ---------------------------------------------------------------------------------------------
# Output


_RED, _GREEN, _CYAN, _BOLD, _YELLOW, _RESET = (
    "\033[31m",
    "\033[32m",
    "\033[36m",
    "\033[1m",
    "\033[33m",
    "\033[0m",
)


def _unified(path, old: str, new: str, hidden: set[int], colour: bool) -> list[str]:
    """A unified diff (3 lines of context) with a/ and b/ names; context lines that hold a
    secret are shown as a placeholder, never as they are."""
    from difflib import SequenceMatcher

    def paint(code, text):
        return f"{code}{text}{_RESET}" if colour else text

    a, b = old.split("\n"), new.split("\n")
    a_final, b_final = old.endswith("\n"), new.endswith("\n")
    if a_final:
        a.pop()
    if b_final:
        b.pop()
    # what is shown: masked as every report masks, with control characters made visible
    shown_a = [escape(line) for line in mask_lines(a, hidden)]
    shown_b = [escape(line) for line in mask_lines(b)]
    name = escape(path) if os.path.isabs(path) else None
    out = [
        paint(_BOLD, f"--- {name or 'a/' + escape(path)}"),
        paint(_BOLD, f"+++ {name or 'b/' + escape(path)}"),
    ]
    for group in SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(paint(_CYAN, f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@"))
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                for index in range(a1, a2):
                    line = shown_a[index]
                    if index + 1 in hidden or line != a[index]:
                        indent = line[: len(line) - len(line.lstrip())]
                        line = f"{indent}# ({MASK}: line not shown, it holds a secret)"
                    out.append(" " + line)
                    if index == len(a) - 1 and not a_final:
                        out.append("\\ No newline at end of file")
                continue
            for index in range(a1, a2):
                out.append(paint(_RED, "-" + shown_a[index]))
                if index == len(a) - 1 and not a_final:
                    out.append("\\ No newline at end of file")
            for index in range(b1, b2):
                out.append(paint(_GREEN, "+" + shown_b[index]))
                if index == len(b) - 1 and not b_final:
                    out.append("\\ No newline at end of file")
    return out


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}es" if word.endswith("x") else f"{n} {word}s"


def _use_colour(args) -> bool:
    if getattr(args, "no_color", False) or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


# ---------------------------------------------------------------------------------------------
# The command


def run_fix(args, rules) -> int:
    from ..engine import Selection, scan
    from ..files import PathError, collect
    from ..session_options import UsageError, load_settings

    root = os.getcwd()
    paths = list(args.paths)
    # the project's settings: a rule it ignores is not fixed either
    config = load_settings(args, {r.id for r in rules})
    try:
        result = scan(
            paths,
            rules,
            Selection(config.select or [], config.ignore or []),
            root=root,
            read_outside=bool(config.read_outside),
            settings=config,
            max_file_bytes=config.max_file_size,
        )
        scanned = {path for path in collect(paths) if not config.excluded(path)}
    except PathError as exc:
        raise UsageError(str(exc)) from None
    # Lines of secrets, never shown as diff context (also those a setting hides).
    secret_lines: dict[str, set[int]] = {}
    for finding in result.findings + result.suppressed:
        if MASK in finding.message:
            lines = secret_lines.setdefault(finding.path, set())
            lines.update(range(finding.line, finding.end_line + 1))
    result.findings = config.apply(result.findings, root)
    colour = _use_colour(args)
    scan_roots = [
        os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths
    ]
    by_id = {rule.id: rule for rule in rules}
    planner = Planner(root, scanned, by_id, scan_roots, config.max_file_size)
    for finding in result.findings:
        planner.plan(finding)

    by_file: dict[str, list[Fix]] = {}
    seen = set()
    for fix in planner.fixes:
        key = (fix.abspath, fix.line, fix.column, fix.rule_id)  # a mount two services share
        if key not in seen:
            seen.add(key)
            by_file.setdefault(fix.abspath, []).append(fix)

    changed: list[tuple[SourceText, str, str, list[Fix]]] = []
    for abspath in sorted(by_file, key=planner.display):
        fixes = sorted(by_file[abspath], key=lambda f: (f.line, f.column))
        source = planner.text(abspath)
        if source is None:
            planner.advice.extend(
                f.as_advice("not changed: the file cannot be read") for f in fixes
            )
            continue
        path = planner.display(abspath)
        if fixes[0].rule_id == "NGX08":
            new, done, failed = edit_nginx(source.text, fixes)
            reason = "not changed: the directive is not written on one line"
        else:
            new, done, failed = edit_yaml(source, fixes)
            reason = NO_REWRITE
        planner.advice.extend(f.as_advice(reason) for f in failed)
        planner.advice.extend(f.companion for f in done if f.companion is not None)
        hidden = secret_lines.get(path, set())
        if any(f.line in hidden for f in done):
            planner.advice.extend(
                f.as_advice("not changed: a secret is on that line") for f in done
            )
            continue
        if done and new != source.text:
            refused = refusal(source, result.scope)
            if refused:
                planner.advice.extend(f.as_advice(refused) for f in done)
                continue
            changed.append((source, path, new, done))

    out = sys.stdout
    for source, path, new, _ in changed:
        for line in _unified(path, source.text, new, secret_lines.get(path, set()), colour):
            out.write(line + "\n")

    advice = sorted({a.key(): a for a in planner.advice}.values(), key=lambda a: a.key())
    if advice:
        if changed:
            out.write("\n")
        heading = "advice (needs a human; never applied):"
        out.write((f"{_BOLD}{heading}{_RESET}" if colour else heading) + "\n")
        for item in advice:
            rule = f"{_YELLOW}{item.rule_id}{_RESET}" if colour else item.rule_id
            where = escape(f"{item.path}:{item.line}:{item.column}:")
            out.write(f"{where} {rule} {escape(mask_message(item.message))}\n")
            if item.fix:
                out.write(f"    fix: {escape(mask_message(item.fix))}\n")

    count = sum(len(done) for *_, done in changed)
    if args.apply:
        try:
            write_all([(source, new) for source, _, new, _ in changed])
        except FixError as exc:
            out.flush()
            print(f"promguard: error: {escape(str(exc))}; no file was changed", file=sys.stderr)
            return 2
    if changed or advice:
        out.write("\n")
    if args.apply:
        for _, path, _, done in changed:
            out.write(f"fixed {escape(path)} ({_plural(len(done), 'fix')})\n")
            for fix in done:
                out.write(f"    {fix.rule_id} {escape(mask_message(fix.what))}\n")
    human = f"{len(advice)} need{'s' if len(advice) == 1 else ''} a human: see advice"
    if count:
        files = _plural(len(changed), "file")
        verb = "applied in" if args.apply else "in"
        summary = f"{_plural(count, 'fix')} {verb} {files}"
        out.write(f"{summary}; {human}\n" if advice else f"{summary}\n")
    elif advice:
        out.write(f"no safe fix to make; {human}\n")
    else:
        out.write("nothing to fix\n")
    for error in result.errors:
        print(f"promguard: error: {error}", file=sys.stderr)
    if result.errors:
        return 2
    return 1 if count and not args.apply else 0
