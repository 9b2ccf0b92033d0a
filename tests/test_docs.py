"""Rule pages: docs/rules/<ID>.md, docs/README.md and the examples the package ships
(scanner/rule_examples.json) are generated from the rule metadata and tests/fixtures by
``python -m promguard.docs``; these tests fail when they drift apart. ``promguard explain ID``
prints the page, and SARIF's helpUri points at it."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT

DOCS = os.path.join(ROOT, "docs")
DATA = os.path.join(ROOT, "scanner", "rule_examples.json")
URL = "https://github.com/promguard/promguard/blob/main/docs/rules/"
REGENERATE = "run `python -m promguard.docs` from the repository root"


@pytest.fixture(scope="module")
def builtin(rules):
    from promguard.docs import is_builtin

    return [rule for rule in rules if is_builtin(rule)]


def page_of(rule_id):
    with open(os.path.join(DOCS, "rules", f"{rule_id}.md"), encoding="utf-8", newline="") as fh:
        return fh.read()


def test_docs_are_up_to_date(builtin):
    """A rule without a page, a stale page or examples file, a page of no rule: all fail."""
    from promguard.docs import differences, generate

    files = generate(builtin, FIXTURES, DOCS, DATA)
    drift = differences(files, DOCS)
    assert drift == [], f"{REGENERATE}: " + ", ".join(f"{p} ({why})" for p, why in drift)


def test_check_mode_lists_every_kind_of_drift(tmp_path, capsys):
    from promguard import docs

    out, data = tmp_path / "docs", tmp_path / "rule_examples.json"
    shutil.copytree(DOCS, out)
    shutil.copy(DATA, data)
    args = ["--out", str(out), "--fixtures", FIXTURES, "--data", str(data)]
    assert docs.main(["--check", *args]) == 0
    (out / "rules" / "WEB01.md").write_text("edited by hand\n")
    (out / "rules" / "PROM01.md").unlink()
    (out / "rules" / "WEB99.md").write_text("a rule that was removed\n")
    data.write_text("{}\n")
    capsys.readouterr()
    assert docs.main(["--check", *args]) == 1
    report = capsys.readouterr().out
    for path, why in [
        (out / "rules" / "WEB01.md", "stale"),
        (out / "rules" / "PROM01.md", "missing"),
        (out / "rules" / "WEB99.md", "no such rule"),
        (data, "stale"),
    ]:
        assert f"{path}: {why}" in report
    assert docs.main(args) == 0  # writing repairs all of it
    assert not (out / "rules" / "WEB99.md").exists()
    assert docs.main(["--check", *args]) == 0


def test_check_mode_from_the_command_line():
    run = subprocess.run(
        [sys.executable, "-m", "promguard.docs", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_missing_fixtures_folder_is_a_usage_error(tmp_path, capsys):
    from promguard import docs

    assert docs.main(["--check", "--fixtures", str(tmp_path / "nowhere")]) == 2
    assert "--fixtures" in capsys.readouterr().err


def test_explain_prints_the_page(builtin, capsys):
    from promguard import cli

    for rule in builtin:
        assert cli.main(["explain", rule.id.lower()]) == 0
        assert capsys.readouterr().out == page_of(rule.id), rule.id


def test_explain_in_a_subprocess_prints_the_page(cli):
    run = cli("explain", "XF01")
    assert run.returncode == 0 and run.stdout == page_of("XF01")


def test_explain_unknown_rule_still_hints(cli):
    run = cli("explain", "PROM999")
    assert run.returncode == 2
    assert run.stderr.strip() == (
        "promguard: error: no rule PROM999; did you mean PROM10, PROM08, PROM06?"
    )


def test_without_the_examples_file_the_page_points_at_the_docs(builtin, monkeypatch, capsys):
    from promguard import cli, docs

    monkeypatch.setattr(docs, "_examples_cache", {})
    assert cli.main(["explain", "WEB01"]) == 0
    out = capsys.readouterr().out
    web01 = next(rule for rule in builtin if rule.id == "WEB01")
    assert out == docs.rule_page(web01, {})
    assert f"**Examples:** {URL}WEB01.md" in out and "```" not in out
    # the rest of the page is the same text
    with_examples = page_of("WEB01")
    assert with_examples.startswith(out.split("**Examples:**")[0])
    assert with_examples.endswith(out.split(f"{URL}WEB01.md\n\n")[1])


def test_every_page_has_its_sections(builtin):
    for rule in builtin:
        page = page_of(rule.id)
        heading = f"{rule.id}  {rule.title}"
        assert page.startswith(f"{heading}\n{'=' * len(heading)}\n"), rule.id
        sections = [
            f"- **Severity:** {rule.severity}\n",
            f"**What it catches:** {rule.description}\n",
            f"**Why it matters:** {rule.rationale}\n",
            "**Bad example",
            "**Good example",
            f"**Fix:** {rule.fix}\n",
            "**References:**\n",
        ]
        at = [page.find(section) for section in sections]
        assert -1 not in at and at == sorted(at), (
            rule.id,
            sections[at.index(-1)] if -1 in at else at,
        )
        for ref in rule.references:
            assert f"- {ref}\n" in page
        assert "reported at line" in page.split("**Good example")[0], rule.id
        assert "expect:" not in page and "fixture-max-file-bytes" not in page, rule.id


def test_examples_are_short_and_marked_lines_exist(builtin):
    from promguard.docs import MAX_LINES

    with open(DATA, encoding="utf-8") as fh:
        examples = json.load(fh)
    assert set(examples) == {rule.id for rule in builtin}
    for rule_id, pair in examples.items():
        assert set(pair) == {"bad", "good"}, rule_id
        for example in pair.values():
            assert 0 < len(example["code"]) <= MAX_LINES, rule_id
        bad = pair["bad"]
        assert bad["lines"] and all(1 <= n <= len(bad["code"]) for n in bad["lines"]), rule_id
        assert all("# ..." not in bad["code"][n - 1] for n in bad["lines"]), rule_id


def test_index_links_every_page(builtin):
    with open(os.path.join(DOCS, "README.md"), encoding="utf-8") as fh:
        index = fh.read()
    for rule in builtin:
        assert f"| [{rule.id}](rules/{rule.id}.md) | {rule.severity} |" in index
    assert index.index("## Prometheus configuration") < index.index("## Web configuration")


def test_markers_are_stripped_and_lines_renumbered(tmp_path):
    from promguard.docs import _read

    path = tmp_path / "bad.yml"
    path.write_text(
        "# fixture-max-file-bytes: 1024\n"
        "a:\n"
        "  # expect: R01\n"
        "  b: 1\n"
        "  c: 2  # expect: R01, R02\n"
        "  d: 3  # expect: R02\n"
    )
    lines, marks = _read(str(path), "R01")
    assert lines == ["a:", "  b: 1", "  c: 2", "  d: 3"]
    assert marks == [2, 3]


def test_long_fixture_is_trimmed_around_the_marked_line():
    from promguard.docs import _trim

    lines = ["top:"] + [f"  key{n}:" if n % 10 == 0 else f"    v{n}: {n}" for n in range(1, 80)]
    marked = lines.index("    v55: 55") + 1
    shown, marks = _trim(lines, [marked])
    assert len(shown) <= 30
    assert shown[marks[0] - 1] == "    v55: 55"
    assert shown[0] == "top:" and "  key50:" in shown  # the enclosing keys are kept
    assert shown[-1].strip() == "# ..."


def test_sarif_help_uri_is_the_rule_page(cli, tmp_path):
    (tmp_path / "prometheus.yml").write_text(
        "scrape_configs:\n  - job_name: n\n    basic_auth: {username: u, password: p}\n"
    )
    run = cli("scan", "--format", "sarif", ".", cwd=tmp_path)
    rules = json.loads(run.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert rules
    for rule in rules:
        assert rule["helpUri"] == f"{URL}{rule['id']}.md"
        assert os.path.isfile(os.path.join(DOCS, "rules", f"{rule['id']}.md"))


def test_a_plugin_rule_keeps_its_first_reference_as_help_uri():
    from promguard.reporters.sarif import _descriptor
    from promguard.rule import Rule

    class PluginRule(Rule):
        id = "ACME001"
        name = "acme"
        title = "acme"
        severity = "low"
        kinds = ("prometheus",)
        description = "d"
        rationale = "r"
        fix = "f"
        references = ("https://example.com/acme",)

    assert _descriptor(PluginRule()).help_uri == "https://example.com/acme"
