"""What the Terraform rules share: where a value is reported, which ports and names mean
monitoring, which networks mean "anyone", and the settings a helm_release passes to its chart."""

from __future__ import annotations

import re

from promguard.model import Finding

from ..lazy_regex import lazy

TF_REGISTRY = "https://registry.terraform.io/providers/"
AWS_SG = TF_REGISTRY + "hashicorp/aws/latest/docs/resources/security_group"
HELM_RELEASE = TF_REGISTRY + "hashicorp/helm/latest/docs/resources/release"
K8S_SERVICE = TF_REGISTRY + "hashicorp/kubernetes/latest/docs/resources/service_v1"
SECURITY = "https://prometheus.io/docs/operating/security/"

# Ports that only monitoring programs use: open to the internet, they are reported whatever the
# resource is called.
MONITORING_PORTS = {
    9090: "Prometheus",
    9091: "Pushgateway",
    9093: "Alertmanager",
    9094: "Alertmanager's cluster gossip",
    9100: "node_exporter",
    9115: "blackbox_exporter",
}
# Ports that many web applications use as well; they count as monitoring ports only when the
# resource or its security group says it is about monitoring (its name, description or tags).
SHARED_PORTS = {3000: "Grafana", 4180: "oauth2-proxy", 8080: "cAdvisor"}
GOSSIP_PORT = 9094  # the only monitoring port that speaks UDP as well as TCP
MONITORING_WORDS = lazy(
    r"prom|grafana|alertmanager|monitor|metric|exporter|cadvisor|oauth2|observab|pushgateway", re.I
)
# Programs that answer every request without a login (Grafana has its own).
UNAUTHENTICATED_NAMES = lazy(
    r"prometheus|alertmanager|pushgateway|node[-_]?exporter|blackbox|cadvisor|exporter", re.I
)
# Names that contain one of those but are something with a login of its own (the Grafana of
# kube-prometheus-stack is called kube-prometheus-stack-grafana).
_HAS_LOGIN = lazy(r"grafana|oauth2-proxy|kibana", re.I)


def unauthenticated(name: str | None) -> bool:
    """Does this service or workload name mean a program without a login?"""
    return bool(name and UNAUTHENTICATED_NAMES.search(name) and not _HAS_LOGIN.search(name))


class Where:
    """A place to report: line and column span in a file."""

    __slots__ = ("path", "line", "column", "end_line", "end_column")

    def __init__(self, path, line, column, end_line=None, end_column=None):
        self.path, self.line, self.column = path, line, column
        self.end_line = end_line or line
        self.end_column = end_column or column + 1


def at_attribute(instance, name: str) -> Where | None:
    attribute = instance.attribute(name)
    if attribute is None:
        return None
    return Where(
        instance.path, attribute.line, attribute.column, attribute.end_line, attribute.end_column
    )


def at_block(instance) -> Where:
    block = instance.block
    return Where(instance.path, block.line, block.column)


def written_in(val, argument: Where | None) -> bool:
    """Is the value written inside the argument, rather than brought in from elsewhere?"""
    return (
        argument is not None
        and val.path == argument.path
        and not val.via
        and argument.line <= val.line <= argument.end_line
    )


def at_value(val, fallback: Where | None) -> Where | None:
    """The value itself when it is written inside the argument being reported (the one bad
    element of a list); otherwise the argument, which is where the value comes in."""
    if fallback is None:
        return Where(val.path, val.line, val.column) if val.path else None
    if written_in(val, fallback):
        width = len(val.text() or "") + 2 if isinstance(val.value, str) else 1
        return Where(val.path, val.line, val.column, val.line, val.column + width)
    return fallback


def finding(rule, where: Where, message: str, *, val=None, severity=None, key_path="", fix=None):
    """A finding at ``where``; when the value travelled (a variable default, tfvars, a local, a
    module input), the message says so and each step is a related location."""
    related = []
    if val is not None and val.via:
        steps = [f"{hop.text} ({hop.path}:{hop.line})" for hop in val.via]
        message += "; the value comes from " + ", then ".join(steps)
        related = [(hop.path, hop.line, hop.column, hop.text) for hop in val.via]
        if val.path and (val.path, val.line) not in {(p, line) for p, line, _, _ in related}:
            related.append((val.path, val.line, val.column, "the value is written here"))
    result = Finding(
        rule.id,
        severity or rule.severity,
        message,
        where.path,
        where.line,
        where.column,
        where.end_line,
        where.end_column,
        key_path,
        fix if fix is not None else rule.fix,
    )
    result.related = related
    return result


def modules(doc):
    return doc.roots


def is_world(text: str | None) -> bool:
    """A source that means anyone: 0.0.0.0/0, ::/0 (or any /0), and Azure's * / Internet / Any."""
    if text is None:
        return False
    text = text.strip()
    if text in ("*", "Internet", "Any", "0.0.0.0", "::"):
        return True
    import ipaddress  # only Terraform scans get here; the import costs a pre-commit run 1 ms

    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def world_values(val) -> list:
    """The elements of a CIDR list (or the one CIDR) that open to anyone; unknown parts never
    count."""
    if val is None:
        return []
    if isinstance(val.value, list):
        return [item for item in val.value if is_world(item.text())]
    return [val] if is_world(val.text()) else []


def number(val) -> int | None:
    text = val.text() if val is not None else None
    try:
        return int(float(text)) if text is not None else None
    except ValueError:
        return None


def context_text(*instances) -> str:
    """What resources say about themselves: labels, names, descriptions and tags."""
    words = []
    for instance in instances:
        if instance is None:
            continue
        words.append(instance.address)
        for name in ("name", "name_prefix", "description", "tags"):
            val = instance.get(name)
            if val is None:
                continue
            if isinstance(val.value, dict):
                words.extend(f"{k} {v.text() or ''}" for k, v in val.value.items())
            else:
                words.append(val.text() or "")
    return " ".join(words)


def exposed_ports(low: int, high: int, protocol: str, monitoring_context: bool) -> list[str]:
    """The monitoring ports inside [low, high] for this protocol, described; ["every port"]
    when the range is all of them."""
    if protocol not in ("tcp", "udp", "all"):
        return []
    if low <= 1 and high >= 65535:
        return ["every port"]
    ports = dict(MONITORING_PORTS)
    if monitoring_context:
        ports.update(SHARED_PORTS)
    return [
        f"{port} ({name})"
        for port, name in sorted(ports.items())
        if low <= port <= high and (protocol != "udp" or port == GOSSIP_PORT)
    ]


def protocol_name(text: str | None) -> str | None:
    if text is None:
        return None
    lowered = text.strip().lower()
    return {"-1": "all", "*": "all", "any": "all", "6": "tcp", "17": "udp"}.get(lowered, lowered)


def port_ranges(text: str | None) -> list[tuple[int, int]] | None:
    """ "9090", "9000-9100", "80,9090" or "*" as ranges; None when unknown or not ports."""
    if text is None:
        return None
    ranges = []
    for part in text.split(","):
        part = part.strip()
        if part in ("*", ""):
            ranges.append((0, 65535))
            continue
        low, _, high = part.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            return None
    return ranges


def join_ports(ports: list[str]) -> str:
    if ports == ["every port"]:
        return "every port (the monitoring ports among them)"
    return ("port " if len(ports) == 1 else "ports ") + ", ".join(ports)


# helm_release settings


class Setting:
    """One chart value a helm_release passes: dotted key, its text (None when unknown),
    where it is written, how it got there, and whether it was given with set_sensitive."""

    __slots__ = ("key", "text", "where", "val", "sensitive")

    def __init__(self, key, text, where, val, sensitive=False):
        self.key, self.text, self.where, self.val, self.sensitive = key, text, where, val, sensitive


def chart_name(instance) -> str:
    chart = instance.get("chart")
    text = chart.text() if chart is not None else None
    return (text or "").rstrip("/").rsplit("/", 1)[-1].lower()


def helm_settings(instance) -> list[Setting]:
    """Every value the release sets: `set` and `set_sensitive` (blocks, or the list attribute
    of helm provider 3.x) and each `values` document (yamlencode({...}) or YAML text). Each is
    placed where it is written in the release, or at the argument that brings it in when it
    comes from a variable, a local or a module input."""
    settings: list[Setting] = []
    for kind in ("set", "set_sensitive"):
        entries = [
            (b.get("name"), b.get("value"), at_attribute(b, "value")) for b in instance.blocks(kind)
        ]
        listed = instance.get(kind)
        argument = at_attribute(instance, kind)
        if listed is not None:
            for item in listed.items():
                value = item.get("value")
                where = at_value(value, argument) if value is not None else None
                entries.append((item.get("name"), value, where))
        for name, value, where in entries:
            key = name.text() if name is not None else None
            if key is None or value is None or where is None:
                continue
            key = key.replace("\\.", ".")  # helm's escaped dot: part of a key, not a level
            settings.append(Setting(key, value.text(), where, value, kind == "set_sensitive"))
    values = instance.get("values")
    argument = at_attribute(instance, "values")
    for document in values.items() if values is not None else ():
        settings.extend(_document_settings(document, argument))
    return settings


def _document_settings(val, argument) -> list[Setting]:
    found: list[Setting] = []
    if isinstance(val.value, dict):
        _flatten_val(val, "", found, argument, 0)
        return found
    text = val.value if isinstance(val.value, str) else val.partial
    if not text:
        return []
    from promguard.parsers.yaml_tree import Mapping, YamlError, parse_yaml

    try:
        documents = parse_yaml(text).documents
    except YamlError:
        return []
    # the YAML's own lines are only the file's lines when the text is written right here
    inline = written_in(val, argument)
    for document in documents:
        if isinstance(document, Mapping):
            _flatten_yaml(document, "", val, found, argument, inline, 0)
    return found


def _flatten_val(val, prefix, found, argument, depth):
    if depth > 30:
        return
    if isinstance(val.value, dict):
        for key, item in val.value.items():
            _flatten_val(item, f"{prefix}.{key}" if prefix else key, found, argument, depth + 1)
    elif isinstance(val.value, list):
        for i, item in enumerate(val.value):
            _flatten_val(item, f"{prefix}[{i}]", found, argument, depth + 1)
    else:
        where = at_value(val, argument)
        if where is not None:
            found.append(Setting(prefix, val.text(), where, val))


def _flatten_yaml(node, prefix, val, found, argument, inline, depth):
    from promguard.parsers.yaml_tree import Mapping, Scalar, Sequence

    if depth > 30:
        return
    if isinstance(node, Mapping):
        for key, item in node.items():
            name = f"{prefix}.{key.text}" if prefix else key.text
            _flatten_yaml(item, name, val, found, argument, inline, depth + 1)
    elif isinstance(node, Sequence):
        for i, item in enumerate(node):
            _flatten_yaml(item, f"{prefix}[{i}]", val, found, argument, inline, depth + 1)
    elif isinstance(node, Scalar):
        from promguard.models.terraform import PLACEHOLDER

        text = None if node.is_null or PLACEHOLDER in node.text else node.text
        if inline and val.heredoc is not None:  # the YAML's line 1 is the line after <<EOF
            where = Where(val.path, val.line + node.line, node.column + val.heredoc)
        elif inline:
            where = Where(val.path, val.line, val.column)
        else:
            where = argument
        if where is not None:
            found.append(Setting(prefix, text, where, val))
