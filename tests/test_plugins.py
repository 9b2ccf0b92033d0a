"""Third-party rules from an installed distribution load through the `promguard.rules` entry
point group, exactly like the built-in families; broken plugins are clear errors."""

import json
import os
import textwrap

import pytest

PLUGIN = """
from promguard.rule import Rule


class NoScrapeIntervalUnder5s(Rule):
    id = "ACME001"
    name = "scrape-interval-too-short"
    title = "Scrape interval shorter than 5s"
    severity = "low"
    kinds = ("prometheus",)
    description = "A scrape_interval below 5s."
    fix = "Scrape less often."
    references = ("https://prometheus.io/docs/prometheus/latest/configuration/configuration/",)

    def check(self, doc):
        for root in doc.mappings():
            glob = root.get("global")
            value = glob.get("scrape_interval") if glob is not None else None
            if value is not None and value.text in ("1s", "2s"):
                yield self.report(doc, value, f"scrape_interval {value.text}")

RULES = [NoScrapeIntervalUnder5s]
"""


def install_plugin(site, body=PLUGIN, entry="acme = acme_promguard"):
    """Lay out an installed distribution the way pip does: a module and its dist-info."""
    site.mkdir(exist_ok=True)
    (site / "acme_promguard.py").write_text(textwrap.dedent(body))
    dist = site / "acme_promguard-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-promguard\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[promguard.rules]\n{entry}\n")


def test_rule_from_an_installed_distribution_is_discovered_and_runs(cli, tmp_path):
    site = tmp_path / "site"
    install_plugin(site)
    work = tmp_path / "work"
    work.mkdir()
    (work / "prometheus.yml").write_text("global:\n  scrape_interval: 1s\nscrape_configs: []\n")
    env = {"PYTHONPATH": str(site)}
    listed = cli("rules", env=env, cwd=work)
    assert "ACME001  low       Scrape interval shorter than 5s" in listed.stdout
    run = cli("scan", "--format", "json", ".", env=env, cwd=work)
    findings = json.loads(run.stdout)["findings"]
    assert [(f["rule_id"], f["line"]) for f in findings] == [("ACME001", 2)]


def test_rules_never_load_from_the_scanned_folder(cli, tmp_path):
    # The scanned repository plants a distribution; running from inside it must not load it.
    repo = tmp_path / "repo"
    install_plugin(
        repo,
        PLUGIN.replace("def check", "def check_unused")
        + "\nraise SystemExit('plugin code from the scanned folder ran')\n",
    )
    (repo / "prometheus.yml").write_text("scrape_configs: []\n")
    for cwd, env in ((repo, {"PYTHONPATH": "."}), (repo, {}), (tmp_path, {})):
        run = cli("scan", str(repo), cwd=cwd, env=env)
        assert run.returncode == 0, run.stderr
        assert "ran" not in run.stderr


@pytest.mark.parametrize(
    "change,message",
    [
        (('id = "ACME001"', 'id = "PROM02"'), "duplicate rule id PROM02"),
        (('    fix = "Scrape less often."\n', ""), "missing fix"),
        (('kinds = ("prometheus",)', 'kinds = ("helmfile",)'), "unknown file kind 'helmfile'"),
        (('severity = "low"', 'severity = "urgent"'), "severity 'urgent'"),
        (('references = ("https://', 'references = ("http://'), "is not an https URL"),
    ],
)
def test_bad_plugins_are_clear_errors(cli, tmp_path, change, message):
    site = tmp_path / "site"
    install_plugin(site, PLUGIN.replace(*change))
    run = cli("rules", env={"PYTHONPATH": str(site)}, cwd=tmp_path)
    assert run.returncode == 2
    (line,) = run.stderr.strip().splitlines()
    assert message in line and "acme-promguard" in line


def test_plugin_that_fails_to_import(cli, tmp_path):
    site = tmp_path / "site"
    install_plugin(site, "import does_not_exist\n")
    run = cli("scan", ".", env={"PYTHONPATH": str(site)}, cwd=tmp_path)
    assert run.returncode == 2
    assert "cannot load acme-promguard entry point 'acme'" in run.stderr
    assert "Traceback" not in run.stderr


def test_built_in_rules_have_complete_metadata(rules):
    ids = [rule.id for rule in rules]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    for rule in rules:
        assert rule.id and rule.title and rule.description and rule.fix and rule.rationale
        assert rule.references and all(r.startswith("https://") for r in rule.references)
        assert "promguard" in rule.source


def test_entry_point_parsing_ignores_other_groups(tmp_path):
    from promguard.plugins import entry_points

    dist = tmp_path / "x-1.0.dist-info"
    dist.mkdir()
    (dist / "entry_points.txt").write_text(
        "[console_scripts]\nx = x:main\n\n[promguard.rules]\nfam = x.rules:RULES [extra]\n"
    )
    (found,) = entry_points([str(tmp_path)])
    assert (found.name, found.value, found.distribution) == ("fam", "x.rules:RULES", "x")
    assert os.path.isdir(tmp_path)


# ---------------------------------------------------------------------------------------------
# a file kind from another distribution: recognised, parsed, judged, its errors reported

TOY_KIND = """
from promguard.document import Document
from promguard.kinds import Kind
from promguard.rule import Rule


class Line:
    def __init__(self, number, text):
        self.line, self.column = number, 1
        self.end_line, self.end_column = number, len(text) + 1
        self.text = text


class ToyKind(Kind):
    file_names = ("*.toy",)

    def parse(self, scan, file, text, by_content=False):
        if text.startswith("!"):
            file.problem(scan.PARSE_ERROR, "a toy file cannot start with `!`", 1, 1)
            return None
        lines = [Line(n, t) for n, t in enumerate(text.splitlines(), 1)]
        return Document(file.display, file.abspath, self.name, text, [lines])


class OpenToy(Rule):
    id = "TOY001"
    name = "open-toy"
    title = "Toy left open"
    severity = "high"
    kinds = ("toy",)
    description = "A toy file that says open=true."
    fix = "Write open=false."
    references = ("https://example.com/toy",)

    def check(self, doc):
        for line in doc.roots[0]:
            if line.text.strip() == "open=true":
                yield self.report(doc, line, "the toy is open")


RULES = [OpenToy]
"""


def test_a_kind_and_its_rule_from_an_installed_distribution_scan_its_files(cli, tmp_path):
    site = tmp_path / "site"
    install_plugin(site, TOY_KIND, entry="toy = acme_promguard")
    dist = site / "acme_promguard-1.0.dist-info"
    entry_points = (dist / "entry_points.txt").read_text()
    (dist / "entry_points.txt").write_text(
        entry_points + "\n[promguard.kinds]\ntoy = acme_promguard:ToyKind\n"
    )
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    (work / "sub" / "box.toy").write_text("colour=red\nopen=true\n")
    (work / "broken.toy").write_text("!nope\n")
    (work / "prometheus.yml").write_text("scrape_configs: []\n")
    env = {"PYTHONPATH": str(site)}
    run = cli("scan", "--format", "json", ".", "--fail-on", "never", env=env, cwd=work)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    found = sorted((f["rule_id"], f["path"], f["line"]) for f in report["findings"])
    assert found == [("PG001", "broken.toy", 1), ("TOY001", "sub/box.toy", 2)]
    assert report["summary"]["files_scanned"] == 3
    # without the distribution, the same files are none of promguard's
    plain = cli("scan", "--format", "json", ".", "--fail-on", "never", cwd=work)
    assert json.loads(plain.stdout)["findings"] == []


def test_a_kind_that_cannot_be_loaded_stops_the_scan_with_its_name(cli, tmp_path):
    site = tmp_path / "site"
    install_plugin(site)
    dist = site / "acme_promguard-1.0.dist-info"
    text = (dist / "entry_points.txt").read_text()
    (dist / "entry_points.txt").write_text(text + "\n[promguard.kinds]\ntoy = acme_missing:Kind\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "box.toy").write_text("open=true\n")
    (work / "README.md").write_text("# not a kind\n")
    run = cli("scan", ".", env={"PYTHONPATH": str(site)}, cwd=work)
    assert run.returncode == 2
    assert "cannot load kind 'toy' from acme-promguard (acme_missing:Kind)" in run.stderr
