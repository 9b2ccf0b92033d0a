"""A fix text names the service's own port, file and image: over every fixture, a program's
default port or an image that a fix mentions is one the scanned files mention too (a fix that
says 127.0.0.1:9090:9090 for an Alertmanager on 9093 tells the reader to do the wrong thing)."""

import os
import re

from conftest import FIXTURES
from promguard.engine import Selection, scan
from promguard.models.services import DEFAULT_PORTS
from promguard.registry import load_rules

_NUMBER = re.compile(r"(?<![\d.$])(\d{4,5})(?![\d])")
_IMAGE = re.compile(r"\b((?:prom|grafana|quay\.io/prometheus|traefik|caddy|nginx)/[a-z0-9-]+)")
PORTS = {str(p) for p in DEFAULT_PORTS.values() if p >= 1000}


def _texts(path):
    paths = [path]
    if os.path.isdir(path):
        paths = [os.path.join(b, n) for b, _, names in os.walk(path) for n in names]
    out = []
    for name in paths:
        with open(name, encoding="utf-8", errors="replace") as fh:
            out.append(fh.read())
    return "\n".join(out)


def _names(program, text):
    lower = text.lower()
    return program.lower() in lower or program.replace("_", "-").lower() in lower


def test_fix_texts_name_what_the_files_have():
    rules = load_rules()
    wrong = []
    for rule_id in sorted(os.listdir(FIXTURES)):
        for name in sorted(os.listdir(os.path.join(FIXTURES, rule_id))):
            path = os.path.join(FIXTURES, rule_id, name)
            if os.path.isdir(path) and os.path.isfile(os.path.join(path, "MODES")):
                continue  # host-mode trees: the fixes there name units and modes
            text = _texts(path)
            # a program's default port is its own when the files name the program
            allowed = {str(p) for prog, p in DEFAULT_PORTS.items() if _names(prog, text)}
            result = scan([path], rules, Selection(), root=path if os.path.isdir(path) else None)
            for finding in result.findings:
                fix = finding.fix or ""
                ports = {
                    n
                    for n in _NUMBER.findall(fix)
                    if n in PORTS and n not in text and n not in allowed
                }
                images = {i for i in _IMAGE.findall(fix) if i not in text}
                if ports or images:
                    wrong.append(f"{rule_id}/{name} {finding.rule_id}: {sorted(ports | images)}")
    assert wrong == [], "\n".join(wrong)
