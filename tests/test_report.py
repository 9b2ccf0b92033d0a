"""`promguard report`: one self-contained HTML page for an audit.

The page is checked three ways: parsed (its counts agree with `promguard scan --format json
--show-passed` on the same folder), searched (no secret, no remote resource), and opened in real
headless Chromium (it renders, with no console message, and the rendered DOM has the same
counts). Chromium is required: CI installs Debian's `chromium` package (.ci/run); without it
these tests fail rather than skip, so a missing browser is never mistaken for a pass.
"""

import collections
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
import yaml

from conftest import ROOT

EXAMPLES = os.path.join(ROOT, "examples")
PLANTED = "Zq8Wd1nL4pXr7Tq2Vb"  # the planted scrape password
SECRETS = (
    PLANTED,
    "Ur1Pa55w0rdX",  # userinfo in a remote_write URL
    "Gr4fanaAdm1nPw",  # a Grafana admin password in compose
    "Dckr5ecretPw99",  # a password in a Dockerfile ENV
    "plainAdminPw",  # a basic_auth_users password that is no bcrypt hash
    "MHcCAQEEIPRIVATEKEYBODY",  # the body of an inline private key
)

SYNTHETIC = {
    "docker-compose.yml": """\
services:
  prometheus:
    image: prom/prometheus:v3.5.0
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --web.config.file=/etc/prometheus/web-config.yml
    ports:
      - "127.0.0.1:9090:9090"
    volumes:
      - ./prometheus:/etc/prometheus:ro
  grafana:
    image: grafana/grafana:11.1.0
    environment:
      GF_SECURITY_ADMIN_PASSWORD: Gr4fanaAdm1nPw
    ports:
      - "3000:3000"
  # promguard: ignore[DC10] hardened by the platform team's admission policy
  app:
    build: ./app
""",
    "prometheus/prometheus.yml": f"""\
scrape_configs:
  - job_name: node
    scheme: https
    basic_auth:
      username: prom
      password: {PLANTED}
    static_configs:
      - targets: ["grafana:3000"]
remote_write:
  - url: https://writer:Ur1Pa55w0rdX@remote.example.com/api/v1/write
""",
    "prometheus/web-config.yml": """\
tls_server_config:
  cert_file: prometheus.crt
  key: |
    -----BEGIN EC PRIVATE KEY-----
    MHcCAQEEIPRIVATEKEYBODY
    MHcCAQEEIPRIVATEKEYBODY2
    -----END EC PRIVATE KEY-----
basic_auth_users:
  admin: plainAdminPw
""",
    "app/Dockerfile": """\
FROM alpine:3.20
ENV DB_PASSWORD=Dckr5ecretPw99
USER 65534
""",
}

CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)


# helpers


class Page(HTMLParser):
    """The elements of a page: (tag, attributes) in order, and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag=None, cls=None, **attrs):
        found = []
        for name, a in self.elements:
            if tag and name != tag:
                continue
            if cls and cls not in a.get("class", "").split():
                continue
            if all(a.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                found.append(a)
        return found

    def metric(self, name) -> int:
        (card,) = self.all(data_metric=name)
        return int(card["data-count"])

    def counts(self) -> dict:
        """What the tests compare: findings by severity and rule, controls by status."""
        findings = self.all("article", "finding")
        return {
            "findings": len(findings),
            "by_severity": collections.Counter(a["data-severity"] for a in findings),
            "by_rule": collections.Counter(a["data-rule"] for a in findings),
            "controls": {
                a["data-control"]: a["data-status"] for a in self.all("article", "control")
            },
            "metrics": {a["data-metric"]: int(a["data-count"]) for a in self.all(cls="card")},
        }


def remote_loads(text: str) -> list[str]:
    """Everything in a page that would make a browser fetch from the network. Hyperlinks
    (<a href>) are not loads."""
    found = []
    page = Page(text)
    for tag, attrs in page.elements:
        if tag == "script" and "src" in attrs:
            found.append(f"<script src={attrs['src']}>")
        if tag == "a":
            continue
        for name, value in attrs.items():
            if name != "content" and re.match(r"\s*(https?:)?//", value):
                found.append(f"<{tag} {name}={value}>")
    for pattern in (r"@import", r"url\(\s*['\"]?\s*(https?:)?//", r"<link\b", r"<iframe\b"):
        found.extend(m.group(0) for m in re.finditer(pattern, text, re.I))
    return found


def console_messages(stderr: str) -> list[str]:
    """Chromium's --enable-logging=stderr prints every console message (console.log/error,
    uncaught exceptions, CSP violations) as `INFO:CONSOLE...`; the report has no script, so
    any is a failure."""
    return [line for line in stderr.splitlines() if re.search(r":CONSOLE\b", line)]


@pytest.fixture(scope="session")
def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(
        "Chromium is required for the report tests and was not found on PATH: install "
        "Debian's `chromium` package (`apt-get install -y chromium`; .ci/run does it)"
    )


@pytest.fixture
def browse(chromium, tmp_path):
    """Open a file in headless Chromium: (rendered DOM, stderr), or a screenshot."""
    profile = tmp_path / "chromium-profile"

    def _browse(path, screenshot=None, size="1280,3000"):
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        if screenshot:
            command += [f"--screenshot={screenshot}", f"--window-size={size}"]
        else:
            command += ["--virtual-time-budget=5000", "--dump-dom"]
        run = subprocess.run(
            [*command, f"file://{os.path.abspath(path)}"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        return run.stdout, run.stderr

    return _browse


@pytest.fixture
def examples(tmp_path):
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    return folder


@pytest.fixture
def synthetic(tmp_path):
    folder = tmp_path / "synthetic"
    for name, text in SYNTHETIC.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def report(cli, folder, *args) -> str:
    run = cli("report", ".", "-o", "report.html", *args, cwd=folder)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("wrote report.html: ")
    return (folder / "report.html").read_text(encoding="utf-8")


def scan_json(cli, folder) -> dict:
    run = cli("scan", ".", "--format", "json", "--show-passed", cwd=folder)
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


def expected_statuses(data: dict, framework: str) -> dict[str, str]:
    """The status of each control from the JSON output and the rules' mappings: failed when
    a finding comes from a mapped rule, met when a mapped rule passed somewhere, else n/a."""
    from promguard.controls import framework_controls, rule_controls
    from promguard.registry import load_rules

    mapped = collections.defaultdict(set)
    for rule in load_rules():
        for control in rule_controls(rule, framework):
            mapped[control].add(rule.id)
    failed = {f["rule_id"] for f in data["findings"]}
    passed = {c["rule_id"] for c in data["passed"]}
    return {
        c.id: "failed" if mapped[c.id] & failed else "met" if mapped[c.id] & passed else "na"
        for c in framework_controls(framework)
    }


def assert_matches_json(page: Page, data: dict, framework: str = "promguard"):
    counts = page.counts()
    summary = data["summary"]
    assert counts["findings"] == summary["findings"] == len(data["findings"])
    assert counts["by_severity"] == collections.Counter(
        {s: n for s, n in summary["by_severity"].items() if n}
    )
    assert counts["by_rule"] == collections.Counter(f["rule_id"] for f in data["findings"])
    assert counts["metrics"]["findings"] == summary["findings"]
    assert counts["metrics"]["passed-checks"] == len(data["passed"])
    assert counts["metrics"]["suppressed"] == summary["suppressed"]
    assert counts["metrics"]["files"] == summary["files_scanned"]
    statuses = expected_statuses(data, framework)
    assert counts["controls"] == statuses
    for status in ("failed", "met", "na"):
        expected = sum(1 for s in statuses.values() if s == status)
        assert counts["metrics"][f"controls-{status}"] == expected
        segments = page.all("circle", data_status=status)
        assert [int(s["data-count"]) for s in segments] == ([expected] if expected else [])
    bars = {a["data-severity"]: int(a["data-count"]) for a in page.all("g", "bar")}
    assert bars == summary["by_severity"]
    # each finding's location is the one the JSON gives, in the same multiset
    assert collections.Counter(
        (a["data-rule"], a["data-path"], int(a["data-line"]))
        for a in page.all("article", "finding")
    ) == collections.Counter((f["rule_id"], f["path"], f["line"]) for f in data["findings"])


# the report's content


def test_examples_report_counts_agree_with_json(cli, examples):
    html = report(cli, examples)
    data = scan_json(cli, examples)
    page = Page(html)
    assert_matches_json(page, data)
    assert data["findings"], "the examples are insecure on purpose"
    # the stack: every compose service, what is published, the nginx routes to prometheus
    compose = yaml.safe_load((examples / "docker-compose.yml").read_text())
    rows = page.all("tr", "service")
    assert [r["data-service"] for r in rows] == list(compose["services"])
    exposed = {r["data-service"]: int(r["data-exposed"]) for r in rows}
    assert exposed["alertmanager"] == 1 and exposed["node-exporter"] == 1
    links = collections.Counter(a["data-link"] for a in page.all("li", "link"))
    assert links["proxy"] == 3  # location / and location /api/, the Traefik router
    assert links["published"] == sum(1 for n in exposed.values() if n)
    assert len(page.all("svg", id="stack-diagram")) == 1
    # every file with a finding or a passed check is listed, with its kind
    files = {a["data-path"] for a in page.all("tr", "file")}
    assert {f["path"] for f in data["findings"]} <= files
    assert {c["path"] for c in data["passed"]} <= files
    by_kind = {a["data-kind"]: int(a["data-count"]) for _, a in page.elements if "data-kind" in a}
    assert by_kind == data["summary"]["files_by_kind"]
    # each finding has an excerpt with its line highlighted, and its fix
    for article_html in re.findall(r'<article class="finding.*?</article>', html, re.S):
        line = int(re.search(r'data-line="(\d+)"', article_html).group(1))
        assert '<pre class="excerpt"' in article_html
        hit = re.search(r'<span class="row hit"><span class="ln">\s*(\d+)</span>', article_html)
        assert hit and int(hit.group(1)) == line
    fixes = len(re.findall(r'<div class="fix">', html))
    assert fixes == sum(1 for f in data["findings"] if f["fix"])


def test_report_is_self_contained_and_deterministic(cli, examples):
    html = report(cli, examples)
    assert remote_loads(html) == []
    assert "<script" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # hyperlinks to the rules' references are fine, and there are some
    assert re.search(r'<a href="https://', html)
    assert report(cli, examples) == html  # no timestamp: the same scan, the same file


def test_remote_load_check_catches_each_kind_of_load():
    for bad in (
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">',
        '<script src="https://cdn.example.com/x.js"></script>',
        "<style>@import 'x.css';</style>",
        "<style>body { background: url(https://example.com/a.png) }</style>",
        '<img src="http://example.com/a.png">',
        '<img src="//example.com/a.png">',
    ):
        assert remote_loads(f"<html><body>{bad}</body></html>"), bad
    assert remote_loads('<a href="https://prometheus.io/docs/">docs</a>') == []


def test_planted_secrets_never_appear(cli, synthetic):
    html = report(cli, synthetic)
    for secret in SECRETS:
        assert secret not in html, secret
    data = scan_json(cli, synthetic)
    assert any(f["rule_id"] == "PROM02" for f in data["findings"])
    assert data["summary"]["suppressed"] == 1
    (row,) = Page(html).all("tr", "suppressed")
    assert row["data-rule"] == "DC10"
    assert "hardened by the platform team&#x27;s admission policy" in html
    assert_matches_json(Page(html), data)
    # the excerpts still show the keys, with the value masked
    assert "password: ********" in html
    assert "- url: https://writer:********@remote.example.com/api/v1/write" in html
    assert "GF_SECURITY_ADMIN_PASSWORD: ********" in html
    for framework in ("cis-docker", "owasp-docker"):
        html = report(cli, synthetic, "--framework", framework)
        assert not [s for s in SECRETS if s in html], framework


def test_everything_is_html_escaped(cli, tmp_path):
    folder = tmp_path / "escape"
    folder.mkdir()
    (folder / "prometheus.yml").write_text(
        "scrape_configs:\n"
        '  - job_name: "<script>alert(1)</script>"\n'
        "    tls_config:\n"
        "      insecure_skip_verify: true  # <b>not bold</b> & <img src=x>\n"
        "    static_configs:\n"
        '      - targets: ["a:1"]\n'
    )
    html = report(cli, folder)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "<b>not bold</b>" not in html
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;img src=x&gt;" in html


@pytest.mark.parametrize("framework", ["promguard", "cis-docker", "owasp-docker"])
def test_framework_limits_the_controls(cli, examples, framework):
    from promguard.controls import FRAMEWORKS, framework_controls

    html = report(cli, examples, "--framework", framework)
    page = Page(html)
    assert page.all("body")[0]["data-framework"] == framework
    assert FRAMEWORKS[framework] in html
    controls = page.all("article", "control")
    assert sorted(a["data-control"] for a in controls) == sorted(
        c.id for c in framework_controls(framework)
    )
    order = [("failed", "met", "na").index(a["data-status"]) for a in controls]
    assert order == sorted(order)  # failed first, then met, then not applicable
    assert_matches_json(page, scan_json(cli, examples), framework)
    # every finding is still shown, in scope of the framework's controls or not
    findings = page.all("article", "finding")
    assert len(findings) == page.metric("findings")
    assert {a["data-scope"] for a in findings} <= {"in", "out"}


def test_control_status_from_mapped_rules(monkeypatch, synthetic):
    """Give two rules a control each (whatever the registry maps today): the one whose rule
    found something fails, the one whose rule passed is met, the others are not applicable."""
    from promguard import controls
    from promguard.engine import Selection, scan
    from promguard.registry import load_rules
    from promguard.reporters.html_report import render

    rules = load_rules()
    by_id = {r.id: r for r in rules}
    for rule in rules:
        for attribute in ("controls", "cis_docker", "owasp_docker"):
            monkeypatch.setattr(rule, attribute, (), raising=False)
    monkeypatch.setattr(by_id["PROM02"], "controls", ("PGB-05",), raising=False)
    monkeypatch.setattr(by_id["PROM05"], "controls", ("PGB-02",), raising=False)
    monkeypatch.setattr(by_id["DC03"], "cis_docker", ("5.5",), raising=False)
    cis = {"5.5": "Ensure that privileged containers are not used"}
    monkeypatch.setattr(controls, "CIS_DOCKER", cis)
    monkeypatch.chdir(synthetic)
    result = scan(["."], rules, Selection(), evidence=True)

    page = Page(render(result, framework="promguard", root=str(synthetic)))
    statuses = page.counts()["controls"]
    assert statuses.pop("PGB-05") == "failed"
    assert statuses.pop("PGB-02") == "met"
    assert set(statuses.values()) == {"na"} and len(statuses) == 8
    (failed,) = page.all("article", data_control="PGB-05")
    assert int(failed["data-findings"]) == sum(1 for f in result.findings if f.rule_id == "PROM02")
    (met,) = page.all("article", data_control="PGB-02")
    passed = [c for c in result.checks if c.passed and c.rule_id == "PROM05"]
    assert passed and int(met["data-passed"]) == len(passed)
    assert [int(r["data-count"]) for r in page.all("tr", data_rule="PROM05")] == [len(passed)]
    prom02 = page.all("article", "finding", data_rule="PROM02")
    assert prom02 and {a["data-scope"] for a in prom02} == {"in"}
    assert {a["data-scope"] for a in page.all("article", "finding")} == {"in", "out"}

    page = Page(render(result, framework="cis-docker", root=str(synthetic)))
    assert page.counts()["controls"] == {"5.5": "met"}  # no service is privileged
    assert page.metric("controls-met") == 1

    # no control of the framework at all: the page says so and still lists the findings
    monkeypatch.setattr(controls, "CIS_DOCKER", {})
    page = Page(render(result, framework="cis-docker", root=str(synthetic)))
    assert page.counts()["controls"] == {}
    assert page.all(id="no-controls")
    assert page.metric("findings") == len(result.findings) > 0


def test_masking_rules():
    from promguard.reporters.html_report import mask_lines

    lines = [
        "password: hunter2hunter2",
        "  client_secret = 'abc123def'",
        "ENV API_TOKEN=tok3n",
        "- --client-secret=shh",
        "password_file: /run/secrets/pw",
        "url: https://user:pa55@example.com/x",
        'proxy_set_header Authorization "Bearer abcdef123456";',
        "key: |",
        "  -----BEGIN RSA PRIVATE KEY-----",
        "  MIIEsecretbody",
        "  -----END RSA PRIVATE KEY-----",
        "basic_auth_users:",
        "  admin: notahash",
        "other: visible",
        "plain: flagged-by-a-secret-rule",
    ]
    masked = mask_lines(lines, secret={15})
    assert masked == [
        "password: ********",
        "  client_secret = ********",
        "ENV API_TOKEN=********",
        "- --client-secret=********",
        "password_file: /run/secrets/pw",
        "url: https://user:********@example.com/x",
        'proxy_set_header Authorization "Bearer ********";',
        "key: |",
        "  -----BEGIN RSA PRIVATE KEY-----",
        "  ********",
        "  -----END RSA PRIVATE KEY-----",
        "basic_auth_users:",
        "  admin: ********",
        "other: visible",
        "plain: ********",
    ]


# in a real browser


def test_report_renders_in_chromium_with_the_right_counts(cli, examples, browse, tmp_path):
    html = report(cli, examples)
    data = scan_json(cli, examples)
    dom, stderr = browse(examples / "report.html")
    assert console_messages(stderr) == []
    rendered = Page(dom)
    assert_matches_json(rendered, data)
    assert rendered.counts() == Page(html).counts()
    assert "The stack at a glance" in "".join(rendered.text)

    shot = tmp_path / "report.png"
    browse(examples / "report.html", screenshot=shot)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000  # a page, not a blank
    keep = os.environ.get("PROMGUARD_REPORT_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)


def test_synthetic_report_renders_in_chromium(cli, synthetic, browse):
    report(cli, synthetic)
    dom, stderr = browse(synthetic / "report.html")
    assert console_messages(stderr) == []
    assert_matches_json(Page(dom), scan_json(cli, synthetic))
    for secret in SECRETS:
        assert secret not in dom


def test_console_error_check_catches_errors(browse, tmp_path):
    thrown = tmp_path / "throw.html"
    thrown.write_text("<!DOCTYPE html><p>x</p><script>throw new Error('x')</script>")
    _, stderr = browse(thrown)
    assert any("Uncaught Error: x" in m for m in console_messages(stderr))

    # a remote load the report's policy blocks is reported too
    remote = tmp_path / "remote.html"
    remote.write_text(
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" '
        'content="default-src \'none\'"><img src="http://example.com/a.png">'
    )
    _, stderr = browse(remote)
    assert any("example.com/a.png" in m for m in console_messages(stderr))

    quiet = tmp_path / "quiet.html"
    quiet.write_text("<!DOCTYPE html><p>nothing to say</p>")
    _, stderr = browse(quiet)
    assert console_messages(stderr) == []
