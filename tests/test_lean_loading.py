"""A pre-commit run names a few files: promguard imports only the rule families of their kinds
(and the cross-file ones), and finds what a run with every rule finds."""

from promguard.registry import load_rules

NGINX = """\
events {}
http {
  server {
    listen 80;
    location / {
      proxy_pass http://prometheus:9090;
    }
  }
}
"""


def test_a_few_named_files_load_only_the_families_of_their_kinds():
    from promguard.registry import unloaded_ids

    lean = load_rules(kinds={"nginx", "stack"})
    families = {type(rule).__module__ for rule in lean}
    assert families == {
        "promguard.rules.nginx",
        "promguard.rules.crossfile",
        "promguard.rules.traefik",  # the stack's rules: Traefik routes to what nginx does
        "promguard.rules.core",
    }
    every = {rule.id for rule in load_rules()}
    assert {rule.id for rule in lean} | unloaded_ids({"nginx", "stack"}) == every
    assert unloaded_ids(None) == set()


def test_the_files_of_a_pre_commit_run_get_the_findings_of_a_full_load(cli):
    # each file alone, as pre-commit names them: the lean load (text) and the full one (SARIF
    # lists every rule, so it loads them all) find the same things
    import json
    from pathlib import Path

    examples = Path(__file__).parent.parent / "examples"
    named = [p for p in sorted(examples.rglob("*")) if p.is_file() and p.suffix != ".md"]
    assert len(named) >= 5
    for path in named:
        lean = cli("scan", str(path), "--format", "json", "--fail-on", "never")
        full = cli("scan", str(path), "--format", "sarif", "--fail-on", "never")
        found = [(f["rule_id"], f["line"]) for f in json.loads(lean.stdout)["findings"]]
        results = json.loads(full.stdout)["runs"][0]["results"]
        expected = [
            (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results
            if "suppressions" not in r
        ]
        assert sorted(found) == sorted(expected), path


def test_select_takes_an_id_whose_family_was_not_loaded(cli, tmp_path):
    (tmp_path / "nginx.conf").write_text(NGINX)
    run = cli("scan", "nginx.conf", "--select", "AM01", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "0 findings" in run.stdout
