"""Property-based tests for what the other parser tests do not fuzz: the YAML tree, and the whole
scan of a stack whose files are mutated at random. Whatever the input, promguard returns
findings: no exception, no rule error. Inputs that ever broke it go to tests/regressions/."""

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promguard.parsers.yaml_tree import YamlError, parse_yaml

EXAMPLES = Path(__file__).parent.parent / "examples"
FRAGMENTS = st.sampled_from(
    [
        "\n",
        " ",
        "  ",
        "\t",
        ":",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "<<: *a\n",
        "'",
        '"',
        "#",
        "---\n",
        "...\n",
        "!!str ",
        "? ",
        "|\n  ",
        ">-\n  ",
        "9090:9090",
        "${X}",
        "$$",
        "{{ .Values.x }}",
        "{% if x %}",
        ";",
        "location / {",
        "include ",
        "proxy_pass ",
        "auth_basic off;",
        "server {",
        "listen 80;",
        "}",
        "resource ",
        "= ",
        "<<EOF\n",
        "\x00",
        "é",
        "\r\n",
        "0.0.0.0/0",
        "--web.enable-admin-api",
        "basic_auth_users:",
        "null",
    ]
)


def mutate(data, text: str) -> str:
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 6))
        text = text[:at] + data.draw(FRAGMENTS) + text[at + cut :]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_yaml_parses_or_raises_yaml_error(data):
    seed = data.draw(st.sampled_from(sorted(EXAMPLES.rglob("*.yml"))))
    text = mutate(data, seed.read_text())
    try:
        parse_yaml(text)
    except YamlError as exc:
        assert exc.line >= 1 and exc.column >= 1


_RULES = []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_stack_with_a_mutated_file_scans_without_an_error(data):
    from promguard.engine import Selection, scan
    from promguard.registry import load_rules

    if not _RULES:
        _RULES.extend(load_rules())
    files = sorted(p for p in EXAMPLES.rglob("*") if p.is_file())
    victim = data.draw(st.sampled_from(files))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "stack"
        shutil.copytree(EXAMPLES, root)
        target = root / victim.relative_to(EXAMPLES)
        target.write_text(mutate(data, victim.read_text()), encoding="utf-8", errors="replace")
        result = scan([str(root)], _RULES, Selection(), root=str(root))
        assert result.errors == []
        one = scan([str(target)], _RULES, Selection(), root=str(root))
        assert one.errors == []
