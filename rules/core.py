"""Findings about the file itself rather than its settings. The engine makes these findings
(scanner/engine.py) with the IDs and severities of scanner/file_findings.py; the classes here
carry their documentation."""

from promguard import file_findings
from promguard.rule import Rule

_GO_YAML = "https://pkg.go.dev/gopkg.in/yaml.v2#UnmarshalStrict"
_YAML_SPEC = "https://yaml.org/spec/1.2.2/"


class UnparseableFile(Rule):
    id = file_findings.PARSE_ERROR
    name = "unparseable-file"
    title = "File cannot be parsed"
    severity = file_findings.SEVERITY[id]
    kinds = ("any",)
    description = (
        "The file looks like a configuration promguard checks, but it is not valid YAML, not "
        "UTF-8 text, binary, unreadable, or nested beyond promguard's limits. Nothing in it was "
        "checked."
    )
    rationale = (
        "Prometheus, Alertmanager and the exporter-toolkit refuse to start on a file they cannot "
        "parse, and a file promguard could not read may hide any of the problems it looks for. "
        "This finding is reported even when --select leaves it out, so that an unreadable file "
        "never passes as a clean one."
    )
    fix = (
        "Fix the syntax error at the reported line (promtool check config and amtool "
        "check-config report the same line)."
    )
    references = (_YAML_SPEC, "https://prometheus.io/docs/prometheus/latest/command-line/promtool/")
    cwe = ("CWE-20",)
    controls = ("PGB-10",)


class DuplicateKey(Rule):
    id = file_findings.DUPLICATE_KEY
    name = "duplicate-key"
    title = "Key defined twice in one mapping"
    severity = file_findings.SEVERITY[id]
    kinds = ("any",)
    description = (
        "A YAML mapping defines the same key twice, or a Terraform block sets the same "
        "argument twice."
    )
    rationale = (
        "Go's strict YAML decoding, used by Prometheus, Alertmanager and the exporter-toolkit, "
        "rejects a file with a duplicate key, so the service will not start or reload; terraform "
        "rejects a repeated argument. Other readers silently keep one of the two values, so the "
        "setting a reviewer sees may not be the one in force."
    )
    fix = "Keep one of the two keys."
    references = (
        _GO_YAML,
        "https://yaml.org/spec/1.2.2/#mapping",
        "https://developer.hashicorp.com/terraform/language/syntax/configuration#arguments",
    )
    controls = ("PGB-10",)


class BadSuppression(Rule):
    id = file_findings.BAD_SUPPRESSION
    name = "invalid-suppression"
    title = "Suppression comment without a rule ID or a reason"
    severity = file_findings.SEVERITY[id]
    kinds = ("any",)
    description = (
        "A `# promguard: ignore` or `ignore-file` comment does not name the rules it silences "
        "in brackets, or gives no reason after them. It was not applied."
    )
    rationale = (
        "A blanket or unexplained suppression hides future findings and leaves reviewers no way "
        "to judge whether silencing a security check was right."
    )
    fix = "Write `# promguard: ignore[RULE-ID] why this does not apply here`."
    references = ("https://github.com/PyCQA/bandit/blob/main/doc/source/config.rst",)
    controls = ("PGB-10",)


class FileTooLarge(Rule):
    id = file_findings.TOO_LARGE
    name = "file-too-large"
    title = "File too large to scan"
    severity = file_findings.SEVERITY[id]
    kinds = ("any",)
    description = "The file is larger than the scanner's size limit, so it was not read."
    rationale = (
        "Configuration files are kilobytes; a file this large is generated or hostile, and "
        "reading it could exhaust memory. It was not checked, so it is reported rather than "
        "passed silently."
    )
    fix = "Split the file, or exclude it from the scan if it is generated data."
    references = ("https://cwe.mitre.org/data/definitions/400.html",)
    cwe = ("CWE-400",)
    controls = ("PGB-10",)


RULES = [UnparseableFile, DuplicateKey, BadSuppression, FileTooLarge]
