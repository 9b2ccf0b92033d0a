"""Rule documentation: one Markdown page per rule, made from the rule's metadata.

``rule_page(rule)`` is the page: the text of ``docs/rules/<ID>.md`` and what ``promguard explain
ID`` prints. Its examples (one bad, one good) come from the rule's test fixtures, which the
installed package does not ship, so the generator copies them into ``rule_examples.json`` next
to this module (package data) and the page reads them from there::

    python -m promguard.docs            # write docs/rules/<ID>.md, docs/README.md and the examples
    python -m promguard.docs --check    # exit 1, listing the files that differ (tests and CI)

Run it from the repository root (or pass --fixtures, --out and --data).
"""

from __future__ import annotations

import os
import re
import sys

HOMEPAGE = "https://github.com/promguard/promguard"
DOCS_URL = f"{HOMEPAGE}/blob/main/docs/rules/"
EXAMPLES_FILE = "rule_examples.json"
# The built-in families' kinds and IDs: a scan of a few files imports only the families that
# read their kinds (registry.load_rules), and still knows every ID (--select, settings). A
# module, not JSON: importing it costs less than importing json.
INDEX_FILE = "rule_index.py"
MAX_LINES = 30  # lines of an example, elisions included
CONTEXT = 3  # lines shown above the first reported line when a fixture is trimmed

# Families in the order the index lists them; an unknown prefix comes after, under its prefix.
FAMILIES = {
    "PROM": "Prometheus configuration (prometheus.yml)",
    "WEB": "Web configuration (--web.config.file)",
    "AM": "Alertmanager configuration (alertmanager.yml)",
    "DC": "Docker Compose",
    "DF": "Dockerfile",
    "NGX": "nginx",
    "CDY": "Caddy",
    "PF": "Prometheus flags and environment",
    "AF": "Alertmanager flags and environment",
    "PGW": "Pushgateway flags and environment",
    "O2P": "oauth2-proxy flags and environment",
    "GRF": "Grafana flags and environment",
    "TF": "Terraform",
    "XF": "Cross-file (the stack read as a whole)",
    "PG": "The scanned file itself",
}

_LANGUAGES = {
    ".yml": "yaml",
    ".yaml": "yaml",
    ".conf": "nginx",
    ".caddyfile": "caddyfile",
    ".tf": "hcl",
    ".tfvars": "hcl",
    ".dockerfile": "dockerfile",
    ".env": "sh",
    ".json": "json",
}
_EXPECT = re.compile(r"\s*#\s*expect:\s*([A-Z0-9, ]+?)\s*$")  # as tests/test_rule_fixtures.py
_FIXTURE_OPTION = re.compile(r"\s*#\s*fixture-[a-z-]+:\s*\S+")
_CWE = re.compile(r"^CWE-(\d+)$")


# --- the page -------------------------------------------------------------------------------


def is_builtin(rule) -> bool:
    """A rule of promguard's own families: those have a page under docs/rules/."""
    return type(rule).__module__.startswith("promguard.rules.")


def page_url(rule) -> str | None:
    """The https URL of the rule's page, or None for a plugin's rule (it has no page here)."""
    return f"{DOCS_URL}{rule.id}.md" if is_builtin(rule) else None


_examples_cache: dict | None = None


def load_examples() -> dict:
    """The examples the generator stored in the package: {rule ID: {"bad": ..., "good": ...}}."""
    global _examples_cache
    if _examples_cache is None:
        import json

        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), EXAMPLES_FILE)
        try:
            with open(path, encoding="utf-8") as fh:
                _examples_cache = json.load(fh)
        except (OSError, ValueError):  # not shipped: the page goes without its examples
            _examples_cache = {}
    return _examples_cache


def _fence(code: str) -> str:
    runs = [len(run) for run in re.findall(r"`{3,}", code)]
    return "`" * max([3, *(n + 1 for n in runs)])


def _line_list(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return f"line {words[0]}"
    return f"lines {', '.join(words[:-1])} and {words[-1]}"


def _example(label: str, example: dict) -> list[str]:
    notes = []
    if example.get("path"):
        where = f"`{example['path']}`"
        others = example.get("others") or []
        if others:
            shown = ", ".join(f"`{name}`" for name in others[:4])
            where += f" in a folder with {shown}{', ...' if len(others) > 4 else ''}"
        notes.append(where)
    if example.get("lines"):
        notes.append(f"reported at {_line_list(example['lines'])}")
    head = f"**{label}** ({'; '.join(notes)}):" if notes else f"**{label}:**"
    code = "\n".join(example["code"])
    fence = _fence(code)
    return [head, "", f"{fence}{example.get('lang', '')}", code, fence, ""]


def _cwe(cwe: str) -> str:
    match = _CWE.match(cwe)
    if not match:
        return cwe
    return f"[{cwe}](https://cwe.mitre.org/data/definitions/{match.group(1)}.html)"


_CONTROL_LABELS = (
    ("promguard", "Baseline controls"),
    ("cis-docker", "CIS Docker Benchmark v1.6"),
    ("owasp-docker", "OWASP Docker Security Cheat Sheet"),
)


def _controls(rule) -> list[str]:
    """For each framework the rule names items of, the items with their titles: on the line
    when there is one, as a nested list when there are more."""
    from . import controls

    lines = []
    for framework, label in _CONTROL_LABELS:
        titles = {c.id: c.title for c in controls.framework_controls(framework)}
        named = [
            f"{i} - {titles[i]}" if i in titles else i
            for i in controls.rule_controls(rule, framework)
        ]
        if len(named) == 1:
            lines.append(f"- **{label}:** {named[0]}")
        elif named:
            lines.append(f"- **{label}:**")
            lines += [f"  - {item}" for item in named]
    return lines


def rule_page(rule, examples: dict | None = None) -> str:
    """The rule's page in Markdown. ``examples`` is {"bad": ..., "good": ...} as the generator
    makes them; None takes the ones stored in the package, {} leaves the examples out."""
    if examples is None:
        examples = load_examples().get(rule.id, {})
    heading = f"{rule.id}  {rule.title}"
    out = [heading, "=" * len(heading), ""]
    out.append(f"- **Severity:** {rule.severity}")
    out.append(f"- **Name:** `{rule.name}`")
    out.append(f"- **Files:** {', '.join(rule.kinds)}")
    out.append(f"- **Defined in:** {defined_in(rule)}")
    if rule.cwe:
        out.append(f"- **Weakness:** {', '.join(_cwe(c) for c in rule.cwe)}")
    out += _controls(rule)
    if rule.tags:
        out.append(f"- **Tags:** {', '.join(rule.tags)}")
    out += ["", f"**What it catches:** {rule.description}", ""]
    if rule.rationale:
        out += [f"**Why it matters:** {rule.rationale}", ""]
    if examples.get("bad"):
        out += _example("Bad example", examples["bad"])
    if examples.get("good"):
        out += _example("Good example", examples["good"])
    if not examples and is_builtin(rule):
        out += [f"**Examples:** {page_url(rule)}", ""]
    out += [f"**Fix:** {rule.fix}", "", "**References:**", ""]
    out += [f"- {ref}" for ref in rule.references]
    return "\n".join(out) + "\n"


def defined_in(rule) -> str:
    """Where the rule's code is: the module (one rule prefix per module), and for a built-in
    rule the file in promguard's repository."""
    module = type(rule).__module__
    if is_builtin(rule):
        return f"`{module}` (rules/{module.rsplit('.', 1)[-1]}.py)"
    return f"`{module}` ({rule.source})" if rule.source else f"`{module}`"


def family(rule_id: str) -> str:
    return rule_id.rstrip("0123456789")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def index_page(rules) -> str:
    """docs/README.md: every rule, linked to its page, grouped by family."""
    groups: dict[str, list] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        groups.setdefault(family(rule.id), []).append(rule)
    order = [f for f in FAMILIES if f in groups] + sorted(set(groups) - set(FAMILIES))
    out = [
        "promguard rules",
        "===============",
        "",
        f"The {len(rules)} rules of promguard, one page each under [rules/](rules/). The pages "
        "are generated from the rules' metadata and test fixtures: edit those, then run "
        "`python -m promguard.docs` from the repository root (`--check` tells whether the "
        "pages are up to date; the test suite runs it). `promguard explain ID` prints the same "
        "page.",
        "",
    ]
    for prefix in order:
        out += [f"## {FAMILIES.get(prefix, prefix)}", "", "| ID | Severity | Title |"]
        out.append("|----|----------|-------|")
        for rule in groups[prefix]:
            out.append(
                f"| [{rule.id}](rules/{rule.id}.md) | {rule.severity} | {_cell(rule.title)} |"
            )
        out.append("")
    return "\n".join(out)


# --- examples from the fixtures ---------------------------------------------------------------


def _language(path: str) -> str:
    name = os.path.basename(path)
    if name.lower().startswith("dockerfile"):
        return "dockerfile"
    return _LANGUAGES.get(os.path.splitext(name)[1].lower(), "")


def _read(path: str, rule_id: str) -> tuple[list[str], list[int]]:
    """The file's lines without the test markers, and the (new) numbers of the lines that are
    marked ``# expect: rule_id`` (a marker alone on its line marks the next line)."""
    with open(path, encoding="utf-8") as fh:
        raw = fh.read().splitlines()
    lines: list[str] = []
    renumber: dict[int, int] = {}
    targets = set()
    for number, line in enumerate(raw, 1):
        stripped = line
        match = _EXPECT.search(line)
        if match:
            ids = [i.strip() for i in match.group(1).split(",") if i.strip()]
            if rule_id in ids:
                targets.add(number + 1 if line.lstrip().startswith("#") else number)
            stripped = line[: match.start()]
        stripped = _FIXTURE_OPTION.sub("", stripped).rstrip()
        if stripped != line.rstrip() and not stripped.strip():
            continue  # the line held nothing but markers
        lines.append(stripped)
        renumber[number] = len(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines, sorted(
        renumber[t] for t in targets if t in renumber and renumber[t] <= len(lines)
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _enclosing(lines: list[str], start: int) -> list[int]:
    """Numbers of the lines above ``start`` that enclose it by indentation (its parent keys,
    blocks or resources), outermost first."""
    found: list[int] = []
    level = _indent(lines[start - 1])
    for number in range(start - 1, 0, -1):
        if level == 0:
            break
        text = lines[number - 1]
        if text.strip() and not text.lstrip().startswith("#") and _indent(text) < level:
            found.insert(0, number)
            level = _indent(text)
    return found


def _render(lines: list[str], chosen: list[int]) -> tuple[list[str], dict[int, int]]:
    """The chosen lines with ``# ...`` where lines are left out (a single left-out line is shown
    instead), and where each line went."""
    shown: list[str] = []
    where: dict[int, int] = {}
    previous = 0
    for number in [*chosen, len(lines) + 1]:
        if number == previous + 2:
            shown.append(lines[previous])
            where[previous + 1] = len(shown)
        elif number > previous + 2:
            following = next((t for t in lines[previous : number - 1] if t.strip()), "")
            shown.append(" " * _indent(following) + "# ...")
        if number <= len(lines):
            shown.append(lines[number - 1])
            where[number] = len(shown)
        previous = number
    return shown, where


def _trim(lines: list[str], marks: list[int], limit: int = MAX_LINES):
    """At most ``limit`` lines from a little above the first marked one, with the lines that
    enclose them kept and ``# ...`` where lines are left out. Returns (lines, marks)."""
    total = len(lines)
    if total <= limit:
        return lines, marks
    first = marks[0] if marks else 1
    size = limit
    while True:
        start = max(1, first - CONTEXT)
        while start < first and not lines[start - 1].strip():
            start += 1
        end = min(total, start + size - 1)
        if end == total:  # the file ends first: use the room above instead
            start = max(1, total - size + 1)
        chosen = _enclosing(lines, start) + list(range(start, end + 1))
        shown, where = _render(lines, chosen)
        if len(shown) <= limit or size == 1:
            break
        size -= len(shown) - limit
    return shown, [where[m] for m in marks if m in where]


def _files(folder: str) -> list[str]:
    found = []
    for base, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            found.append(os.path.relpath(os.path.join(base, name), folder).replace(os.sep, "/"))
    return sorted(found)


def _anchor(line: str) -> str:
    match = re.match(r"[-\s]*[^\s:=(\[{\"']+", line.strip())
    return match.group(0) if match and match.group(0).strip("- ") else ""


def _entry_files(fixtures: str, rule_id: str, entry: str) -> dict[str, tuple]:
    """{path inside the fixture ("" for a one-file fixture): (lines, marks)} of one entry."""
    full = os.path.join(fixtures, rule_id, entry)
    if os.path.isdir(full):
        return {name: _read(os.path.join(full, name), rule_id) for name in _files(full)}
    return {"": _read(full, rule_id)}


def _extension(name: str) -> str:
    return _language(name) or os.path.splitext(name)[1]


def _similarity(a: list[str], b: list[str]) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], False).ratio()


def fixture_examples(fixtures: str, rule_id: str) -> dict:
    """One short bad and one good example of the rule, from tests/fixtures/<ID>/: the shortest
    file that the rule is expected to fire on (in a folder fixture, the file with the marker),
    then the good file of the same type that looks most like it: the secure twin."""
    folder = os.path.join(fixtures, rule_id)
    if not os.path.isdir(folder):
        return {}
    fixtures_of = {
        entry: _entry_files(fixtures, rule_id, entry)
        for entry in sorted(os.listdir(folder))
        if entry.startswith(("bad", "good"))
    }
    bads = [
        (e, p, f)
        for e, files in fixtures_of.items()
        if e.startswith("bad")
        for p, f in files.items()
    ]
    goods = [
        (e, p, f)
        for e, files in fixtures_of.items()
        if e.startswith("good")
        for p, f in files.items()
    ]
    good_types = {_extension(path or entry) for entry, path, _ in goods}

    def example(entry: str, path: str) -> dict:
        others = [name for name in fixtures_of[entry] if name != path]
        return {"path": path, "others": others, "lang": _language(path or entry)}

    examples = {}
    bad_type, bad_path, bad_lines, anchor = "", "", [], ""
    if bads:
        entry, bad_path, (bad_lines, marks) = min(
            bads,
            key=lambda c: (
                not c[2][1],  # the rule is expected on a line of it
                _extension(c[1] or c[0]) not in good_types,  # a good one of its type exists
                len(c[2][0]),
                c[0],
                c[1],
            ),
        )
        bad_type = _extension(bad_path or entry)
        if marks:
            anchor = _anchor(bad_lines[marks[0] - 1])
        examples["bad"] = example(entry, bad_path)
        examples["bad"]["code"], examples["bad"]["lines"] = _trim(bad_lines, marks)
    if goods:
        entry, path, (lines, _) = min(
            goods,
            key=lambda c: (
                _extension(c[1] or c[0]) != bad_type,
                c[1] != bad_path,
                -round(_similarity(bad_lines, c[2][0]), 6),
                len(c[2][0]),
                c[0],
                c[1],
            ),
        )
        at = [n for n, text in enumerate(lines, 1) if anchor and text.strip().startswith(anchor)]
        examples["good"] = example(entry, path)
        examples["good"]["code"], _ = _trim(lines, at[:1])
        examples["good"]["lines"] = []
    return examples


# --- the generator --------------------------------------------------------------------------


def generate(rules, fixtures: str, out: str, data: str, index_path: str = "") -> dict[str, str]:
    """{path: text} of every file the docs consist of: the pages, the index, the examples."""
    import json

    rules = sorted((r for r in rules if is_builtin(r)), key=lambda r: r.id)
    examples = {rule.id: fixture_examples(fixtures, rule.id) for rule in rules}
    files = {os.path.join(out, "README.md"): index_page(rules)}
    for rule in rules:
        files[os.path.join(out, "rules", f"{rule.id}.md")] = rule_page(rule, examples[rule.id])
    stored = {rule_id: found for rule_id, found in examples.items() if found}
    files[data] = json.dumps(stored, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    families: dict[str, dict[str, set[str]]] = {}
    for rule in rules:
        family = families.setdefault(type(rule).__module__, {"kinds": set(), "ids": set()})
        family["kinds"].update(rule.kinds)
        family["ids"].add(rule.id)
    index = {m: {k: sorted(v) for k, v in f.items()} for m, f in sorted(families.items())}
    files[index_path or os.path.join(os.path.dirname(data), INDEX_FILE)] = (
        '"""Written by `python -m promguard.docs` from the rule metadata: do not edit."""\n\n'
        f"FAMILIES = {json.dumps(index, indent=4, sort_keys=True)}\n"
    )
    return files


def differences(files: dict[str, str], out: str) -> list[tuple[str, str]]:
    """(path, why) for each file that is missing, stale, or a page of no rule."""
    found = []
    for path, text in sorted(files.items()):
        try:
            with open(path, encoding="utf-8", newline="") as fh:
                current = fh.read()
        except FileNotFoundError:
            found.append((path, "missing"))
            continue
        if current != text:
            found.append((path, "stale"))
    pages = os.path.join(out, "rules")
    if os.path.isdir(pages):
        for name in sorted(os.listdir(pages)):
            path = os.path.join(pages, name)
            if path not in files:
                found.append((path, "no such rule"))
    return found


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m promguard.docs",
        description="Write (or --check) the rule pages under docs/ and the examples the "
        "package ships, from the rule metadata and tests/fixtures.",
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on drift")
    parser.add_argument("--out", default="docs", help="docs folder (default: docs)")
    parser.add_argument(
        "--fixtures", default=os.path.join("tests", "fixtures"), help="default: tests/fixtures"
    )
    parser.add_argument(
        "--data",
        default=os.path.join("scanner", EXAMPLES_FILE),
        help=f"the examples file of the package (default: scanner/{EXAMPLES_FILE})",
    )
    parser.add_argument(
        "--index",
        default=os.path.join("scanner", INDEX_FILE),
        help=f"the rule families' kinds and IDs (default: scanner/{INDEX_FILE})",
    )
    args = parser.parse_args(argv)
    if not os.path.isdir(args.fixtures):
        print(
            f"promguard.docs: no fixtures folder {args.fixtures}: run from the repository root "
            "or pass --fixtures",
            file=sys.stderr,
        )
        return 2
    from .registry import load_rules

    rules = [r for r in load_rules() if is_builtin(r)]
    for rule in rules:
        if not os.path.isdir(os.path.join(args.fixtures, rule.id)):
            print(
                f"promguard.docs: warning: {rule.id} has no fixtures, so no examples",
                file=sys.stderr,
            )
    files = generate(rules, args.fixtures, args.out, args.data, args.index)
    drift = differences(files, args.out)
    if args.check:
        if drift:
            print("rule docs out of date (run `python -m promguard.docs`):")
            for path, why in drift:
                print(f"  {path}: {why}")
            return 1
        print(f"rule docs up to date ({len(rules)} rules)")
        return 0
    for path, why in drift:
        if why == "no such rule":
            os.remove(path)
            continue
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(files[path])
    print(f"{len(drift)} file(s) written or removed; {len(rules)} rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
