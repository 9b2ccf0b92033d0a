"""Rules for Terraform: the firewalls, load balancers, Kubernetes services and Helm releases that
decide who can reach a monitoring stack. Each module of the scan is judged with what its code
makes known (scanner/models/terraform.py); unknown values never become findings."""

from __future__ import annotations

import re

from promguard.lazy_regex import lazy
from promguard.model import MASK
from promguard.models.secrets import placeholder, secret_name
from promguard.models.terraform_values import (
    AWS_SG,
    HELM_RELEASE,
    K8S_SERVICE,
    MONITORING_PORTS,
    MONITORING_WORDS,
    SECURITY,
    SHARED_PORTS,
    TF_REGISTRY,
    Where,
    at_attribute,
    at_block,
    at_value,
    chart_name,
    context_text,
    exposed_ports,
    finding,
    helm_settings,
    is_world,
    join_ports,
    modules,
    number,
    port_ranges,
    protocol_name,
    unauthenticated,
    world_values,
)
from promguard.rule import Rule

from .common import PLACEHOLDER_NOTE, url_carries_secret

_HAS_LOGIN_NAME = lazy(r"grafana|oauth2-proxy", re.I)


# node_exporter, mysqld_exporter, postgres_exporter: metrics to read, nothing to probe or
# change (blackbox and snmp exporters probe what a request names; they stay high); Grafana
# asks for a login of its own.
_READ_ONLY_EXPORTERS = frozenset(("9100", "9104", "9187", "3000"))  # and Grafana's own login


class _Opening:
    """One ingress rule, whatever resource wrote it: ports, protocol, sources, and where."""

    def __init__(self, instance, low, high, protocol, sources, where_of, context):
        self.instance = instance
        self.low, self.high, self.protocol = low, high, protocol
        self.sources = sources  # [(Val of the CIDR list or CIDR, Where of its argument)]
        self.where_of = where_of
        self.context = context


def _aws_rule(instance, fields, context, protocol_key="protocol"):
    """An ingress rule written as an aws_security_group ingress block (or list element), an
    aws_security_group_rule or an aws_vpc_security_group_ingress_rule."""
    protocol = protocol_name(_text(fields.get(protocol_key)))
    low, high = number(fields.get("from_port")), number(fields.get("to_port"))
    if protocol == "all":
        low, high = 0, 65535  # AWS ignores the ports of protocol -1
    if low is None or high is None or protocol is None:
        return None
    sources = [(fields.get(key), fields.where(key)) for key in _AWS_CIDR_KEYS]
    return _Opening(instance, low, high, protocol, sources, fields.where, context)


_AWS_CIDR_KEYS = ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6")


def _text(val):
    return val.text() if val is not None else None


class _BlockFields:
    """Arguments of a block instance."""

    def __init__(self, instance):
        self.instance = instance

    def get(self, name):
        return self.instance.get(name)

    def where(self, name):
        return at_attribute(self.instance, name)


class _ObjectFields:
    """Arguments of an object in a list attribute (`ingress = [{ ... }]`)."""

    def __init__(self, val):
        self.val = val

    def get(self, name):
        return self.val.get(name)

    def where(self, name):
        item = self.val.get(name)
        return Where(item.path, item.line, item.column) if item is not None else None


def _nested(instance, kind):
    """Nested blocks of a kind, and elements of the same-named list attribute."""
    found = [_BlockFields(block) for block in instance.blocks(kind)]
    listed = instance.get(kind)
    if listed is not None:
        found.extend(_ObjectFields(item) for item in listed.items() if isinstance(item.value, dict))
    return found


def _security_group_context(instance, key="security_group_id"):
    val = instance.get(key)
    group = val.ref if val is not None else None
    if group is None or group.type != "aws_security_group":
        return ""
    instances = group.instances()
    return context_text(instances[0]) if instances else ""


def _aws_openings(module):
    for resource in module.of_type("aws_security_group"):
        for instance in resource.instances():
            context = context_text(instance)
            for fields in _nested(instance, "ingress"):
                yield _aws_rule(instance, fields, context + " " + context_text_of(fields))
    for resource in module.of_type("aws_security_group_rule"):
        for instance in resource.instances():
            kind = instance.get("type")
            if kind is None or kind.text() != "ingress":
                continue
            context = context_text(instance) + " " + _security_group_context(instance)
            yield _aws_rule(instance, _BlockFields(instance), context)
    for resource in module.of_type("aws_vpc_security_group_ingress_rule"):
        for instance in resource.instances():
            context = context_text(instance) + " " + _security_group_context(instance)
            yield _aws_rule(instance, _BlockFields(instance), context, "ip_protocol")


def context_text_of(fields) -> str:
    description = fields.get("description")
    return _text(description) or ""


def _gcp_openings(module):
    for resource in module.of_type("google_compute_firewall"):
        for instance in resource.instances():
            direction = _text(instance.get("direction")) or "INGRESS"
            disabled = instance.get("disabled")
            if direction.upper() != "INGRESS" or (disabled is not None and disabled.value is True):
                continue
            context = context_text(instance) + " " + (_text(instance.get("target_tags")) or "")
            tags = instance.get("target_tags")
            if tags is not None:
                context += " " + " ".join(t.text() or "" for t in tags.items())
            sources = [(instance.get("source_ranges"), at_attribute(instance, "source_ranges"))]
            fields = _BlockFields(instance)
            for allow in instance.blocks("allow"):
                protocol = protocol_name(_text(allow.get("protocol")))
                ports = allow.get("ports")
                if ports is None:
                    ranges = [(0, 65535)]
                else:
                    found = [port_ranges(p.text()) for p in ports.items()]
                    if not isinstance(ports.value, list) or None in found:
                        continue  # not all known: no guess
                    ranges = [r for rs in found for r in rs]
                for low, high in ranges:
                    yield _Opening(instance, low, high, protocol, sources, fields.where, context)


def _azure_openings(module):
    rules = []
    for resource in module.of_type("azurerm_network_security_rule"):
        rules.extend((i, _BlockFields(i)) for i in resource.instances())
    for resource in module.of_type("azurerm_network_security_group"):
        for instance in resource.instances():
            rules.extend((instance, fields) for fields in _nested(instance, "security_rule"))
    for instance, fields in rules:
        direction = (_text(fields.get("direction")) or "").lower()
        access = (_text(fields.get("access")) or "").lower()
        if direction != "inbound" or access != "allow":
            continue
        protocol = protocol_name(_text(fields.get("protocol")))
        sources = [
            (fields.get(key), fields.where(key))
            for key in ("source_address_prefix", "source_address_prefixes")
        ]
        context = context_text(instance) + " " + (_text(fields.get("name")) or "")
        ranges = []
        single = fields.get("destination_port_range")
        if single is not None:
            ranges.extend(port_ranges(single.text()) or ())
        several = fields.get("destination_port_ranges")
        if several is not None:
            for item in several.items():
                ranges.extend(port_ranges(item.text()) or ())
        for low, high in ranges:
            yield _Opening(instance, low, high, protocol, sources, fields.where, context)


class OpenMonitoringPort(Rule):
    id = "TF01"
    name = "monitoring-port-open-to-internet"
    title = "Monitoring port open to the internet"
    severity = "high"
    kinds = ("terraform",)
    description = (
        "A firewall rule lets 0.0.0.0/0 or ::/0 (Azure: * or Internet) reach a monitoring port "
        "(9090 Prometheus, 9091 Pushgateway, 9093/9094 Alertmanager, 9100 node_exporter, 9115 "
        "blackbox_exporter), or every port: aws_security_group ingress (blocks, dynamic blocks "
        "and list form), aws_security_group_rule, aws_vpc_security_group_ingress_rule, "
        "google_compute_firewall, azurerm_network_security_rule and inline security_rule, and "
        "docker_container ports published on all interfaces. 3000, 4180 and 8080 count when "
        "the resource says it is about monitoring (name, description, tags), since other web "
        "applications use them too. Port ranges are checked as ranges; values are followed "
        "through variables, tfvars, locals and module inputs; a list of specific networks is "
        "fine. Medium when only the ports of read-only exporters (9100 node_exporter, 9104 "
        "mysqld_exporter, 9187 postgres_exporter, as XF04 rates them) or Grafana's 3000, which "
        "asks for a login, are opened."
    )
    rationale = (
        "Prometheus, Alertmanager, Pushgateway and the exporters have no login unless a web "
        "config adds one: anyone on the internet can read every metric and label, silence "
        "alerts, push fake metrics, and with admin or lifecycle flags on delete data or stop "
        "the server."
    )
    fix = (
        "Allow only the networks that need the port (the VPN, the office, the scraping "
        "Prometheus), or put the service behind an authenticating proxy on 443."
    )
    references = (
        AWS_SG,
        TF_REGISTRY + "hashicorp/google/latest/docs/resources/compute_firewall",
        TF_REGISTRY + "hashicorp/azurerm/latest/docs/resources/network_security_rule",
        SECURITY,
    )
    tags = ("network", "exposure")
    cwe = ("CWE-284",)
    controls = ("PGB-07",)

    def check(self, doc):
        for module in modules(doc):
            openings = [*_aws_openings(module), *_gcp_openings(module), *_azure_openings(module)]
            # one finding per source written in the code, with the ports of every rule that
            # it opens (a dynamic block over several ports, a for_each over several rules)
            merged: dict[tuple, list] = {}
            for opening in openings:
                if opening is None:
                    continue
                for where, world, ports in self._judge(opening):
                    key = (where.path, where.line, where.column, world.text())
                    entry = merged.setdefault(key, [where, world, [], opening.instance.address])
                    entry[2].extend(p for p in ports if p not in entry[2])
            for where, world, ports, address in merged.values():
                # exporters of host metrics answer reads only: medium, as XF04 rates them
                read_only = all(p.split(" ", 1)[0] in _READ_ONLY_EXPORTERS for p in ports)
                yield finding(
                    self,
                    where,
                    f"`{address}` opens {join_ports(_port_order(ports))} to {world.text()}",
                    val=world,
                    key_path=address,
                    severity="medium" if read_only else None,
                )
            yield from self._docker(module)

    def _judge(self, opening):
        monitoring = bool(MONITORING_WORDS.search(opening.context))
        ports = exposed_ports(opening.low, opening.high, opening.protocol or "", monitoring)
        if not ports:
            return
        for val, argument in opening.sources:
            for world in world_values(val):
                where = at_value(world, argument)
                if where is not None:
                    yield where, world, ports

    def _docker(self, module):
        from promguard.models.services import parse_image

        for resource in module.of_type("docker_container"):
            for instance in resource.instances():
                image = instance.get("image")
                image_text = _docker_image_text(image)
                program = parse_image(image_text).program if image_text else None
                for port in instance.blocks("ports"):
                    internal = number(port.get("internal"))
                    ip = port.get("ip")
                    if internal is None or (ip is not None and not is_world(ip.text())):
                        continue
                    label = MONITORING_PORTS.get(internal)
                    if program in ("grafana", "cadvisor", "oauth2-proxy"):
                        label = label or SHARED_PORTS.get(internal)
                    if label is None and program in ("prometheus", "alertmanager", "pushgateway"):
                        # another port of the program's image serves it only when its command
                        # moves the listen address there; otherwise nothing listens on it
                        if internal in _listen_ports(instance):
                            label = program
                    if label is None:
                        continue
                    where = at_attribute(port, "external") or at_attribute(port, "internal")
                    yield finding(
                        self,
                        where,
                        f"`{instance.address}` publishes container port {internal} ({label}) "
                        "on all host interfaces",
                        key_path=instance.address,
                        severity="medium" if str(internal) in _READ_ONLY_EXPORTERS else None,
                        fix='Set `ip = "127.0.0.1"` in the ports block, or publish it only '
                        "behind an authenticating proxy.",
                    )


def _listen_ports(instance) -> set[int]:
    """The ports a docker_container's command gives --web.listen-address."""
    command = instance.get("command")
    words = command.value if command is not None and isinstance(command.value, list) else []
    found = set()
    for word in words:
        text = str(getattr(word, "value", word))
        if text.startswith("--web.listen-address="):
            port = text.rpartition(":")[2]
            if port.isdigit() and len(port) <= 5:
                found.add(int(port))
    return found


def _port_order(ports: list[str]) -> list[str]:
    if "every port" in ports:
        return ["every port"]
    return sorted(ports, key=lambda p: int(p.split()[0]))


def _docker_image_text(image):
    if image is None:
        return None
    if image.known:
        return image.text()
    ref = image.ref  # docker_image.prometheus.image_id: the docker_image's name says which
    if ref is not None and ref.type == "docker_image":
        instances = ref.instances()
        name = instances[0].get("name") if instances else None
        return _text(name)
    return None


# Annotations that keep a cloud load balancer off the internet, and the values that do it. The
# legacy AWS annotation makes the load balancer internal with any value but "false".
_INTERNAL_LB = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": lambda v: v not in ("", "false"),
    "service.beta.kubernetes.io/aws-load-balancer-scheme": lambda v: v == "internal",
    "networking.gke.io/load-balancer-type": lambda v: v == "internal",
    "cloud.google.com/load-balancer-type": lambda v: v == "internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": lambda v: v == "true",
    "service.beta.kubernetes.io/oci-load-balancer-internal": lambda v: v == "true",
}


def _annotations(instance):
    metadata = instance.blocks("metadata")
    annotations = metadata[0].get("annotations") if metadata else None
    if annotations is None or not isinstance(annotations.value, dict):
        return {}
    return {k: (v.text() or "") for k, v in annotations.value.items()}


def _internal(annotations) -> bool:
    return any(
        _INTERNAL_LB.get(key, lambda v: False)(value.strip().lower())
        for key, value in annotations.items()
    )


def _k8s_monitoring(instance, spec) -> str | None:
    """What a Kubernetes service serves, when it is a monitoring program without a login."""
    metadata = instance.blocks("metadata")
    names = [_text(metadata[0].get("name")) if metadata else None]
    selector = spec.get("selector")
    if selector is not None and isinstance(selector.value, dict):
        names.extend(v.text() for v in selector.value.values())
    if any(name and _HAS_LOGIN_NAME.search(name) for name in names):
        return None
    for name in names:
        if unauthenticated(name):
            return name
    for port in spec.blocks("port"):
        for key in ("port", "target_port"):
            label = MONITORING_PORTS.get(number(port.get(key)) or 0)
            if label:
                return label
    return None


class ExposedKubernetesService(Rule):
    id = "TF02"
    name = "monitoring-service-load-balancer"
    title = "Monitoring service exposed by a load balancer or node port"
    severity = "high"
    kinds = ("terraform",)
    description = (
        "A kubernetes_service(_v1) of type LoadBalancer for Prometheus, Alertmanager, "
        "Pushgateway or an exporter (by name, selector or port) without "
        "load_balancer_source_ranges or an internal-load-balancer annotation (high; NodePort: "
        "medium, reachable wherever the nodes are), or a helm_release that sets the "
        "Prometheus or Alertmanager service type to LoadBalancer."
    )
    rationale = (
        "A cloud load balancer gives the service a public address: everything the program "
        "serves, without a login, is on the internet."
    )
    fix = (
        "Keep the service ClusterIP and reach it through an authenticating ingress, or set "
        "load_balancer_source_ranges to the networks that need it (or make the load balancer "
        "internal)."
    )
    references = (K8S_SERVICE, HELM_RELEASE, SECURITY)
    tags = ("network", "exposure", "kubernetes")
    cwe = ("CWE-284",)
    controls = ("PGB-07",)

    def check(self, doc):
        for module in modules(doc):
            for resource in module.of_type("kubernetes_service", "kubernetes_service_v1"):
                for instance in resource.instances():
                    yield from self._service(instance)
            for resource in module.of_type("helm_release"):
                for instance in resource.instances():
                    yield from self._helm(instance)

    def _service(self, instance):
        for spec in instance.blocks("spec"):
            kind = spec.get("type")
            text = _text(kind)
            if text not in ("LoadBalancer", "NodePort"):
                continue
            serves = _k8s_monitoring(instance, spec)
            if serves is None or _internal(_annotations(instance)):
                continue
            where = at_attribute(spec, "type")
            if text == "NodePort":
                yield finding(
                    self,
                    where,
                    f"`{instance.address}` ({serves}) is a NodePort service: every node "
                    "answers on it",
                    val=kind,
                    severity="medium",
                    key_path=instance.address,
                )
                continue
            ranges = spec.get("load_balancer_source_ranges")
            if ranges is not None and not ranges.known:
                continue  # no guess
            opened = world_values(ranges)
            if opened:
                world = opened[0]
                yield finding(
                    self,
                    at_value(world, at_attribute(spec, "load_balancer_source_ranges")),
                    f"`{instance.address}` ({serves}) gets a public load balancer open to "
                    f"{world.text()}",
                    val=world,
                    key_path=instance.address,
                )
            elif ranges is None or not ranges.items():
                yield finding(
                    self,
                    where,
                    f"`{instance.address}` ({serves}) gets a public load balancer with no "
                    "source ranges",
                    val=kind,
                    key_path=instance.address,
                )

    def _helm(self, instance):
        chart = chart_name(instance)
        if chart not in _EXPOSABLE_CHARTS:
            return
        settings = helm_settings(instance)
        restricted, opened = set(), set()
        for setting in settings:
            ranges = _SOURCE_RANGES.match(setting.key)
            if ranges is None or setting.text is None:
                continue
            cidrs = setting.text.strip("{}").split(",")  # helm's --set list syntax: {a,b}
            (opened if any(is_world(c) for c in cidrs) else restricted).add(ranges.group(1) or "")
        for setting in settings:
            parts = setting.key.split(".")
            if parts[-2:] != ["service", "type"] or setting.text != "LoadBalancer":
                continue
            owner = ".".join(parts[:-2])
            serves = _SERVICE_OWNERS.get(owner) if owner else _CHART_SERVICES.get(chart)
            if serves is None or (owner in restricted and owner not in opened):
                continue
            yield finding(
                self,
                setting.where,
                f"helm_release `{instance.address}` sets `{setting.key}` to LoadBalancer: "
                f"{serves} gets a public address",
                val=setting.val,
                key_path=f"{instance.address}.{setting.key}",
            )


_SOURCE_RANGES = lazy(r"^(?:(.*)\.)?service\.loadBalancerSourceRanges(?:\[\d+\])?$")
# Charts whose values can give a monitoring program without a login its own load balancer:
# the value prefix of each such service, and the program a chart's top-level service is.
_SERVICE_OWNERS = {
    "prometheus": "Prometheus",
    "server": "Prometheus",
    "alertmanager": "Alertmanager",
    "pushgateway": "Pushgateway",
    "prometheus-pushgateway": "Pushgateway",
    "prometheus-node-exporter": "node_exporter",
    "nodeExporter": "node_exporter",
}
_CHART_SERVICES = {
    "alertmanager": "Alertmanager",
    "prometheus-pushgateway": "Pushgateway",
    "prometheus-node-exporter": "node_exporter",
    "prometheus-blackbox-exporter": "blackbox_exporter",
}
_EXPOSABLE_CHARTS = frozenset(
    ("kube-prometheus-stack", "prometheus", "prometheus-operator", *_CHART_SERVICES)
)

_AUTH_ANNOTATION = lazy(
    r"auth-url|auth-type|auth-secret|auth-signin|router\.middlewares|auth-tls-secret|"
    r"alb\.ingress\.kubernetes\.io/auth|oauth|authenticat",
    re.I,
)
_ALLOWLIST_ANNOTATION = lazy(r"(whitelist|allowlist)-source-range", re.I)


def _allowlisted(annotations) -> bool:
    """A source allowlist that leaves the internet out."""
    for key, value in annotations.items():
        if _ALLOWLIST_ANNOTATION.search(key):
            cidrs = [c for c in value.split(",") if c.strip()]
            return bool(cidrs) and not any(is_world(c) for c in cidrs)
    return False


def _backends(instance, depth=0):
    """Every backend service an ingress names (v1 and the older schema), with its Instance."""
    if depth > 8:
        return
    for kind in ("backend", "default_backend"):
        for backend in instance.blocks(kind):
            services = backend.blocks("service")
            for service in services:
                ports = service.blocks("port")
                port = number(ports[0].get("number")) if ports else None
                yield service, _text(service.get("name")), port, "name"
            if not services:
                yield (
                    backend,
                    _text(backend.get("service_name")),
                    number(backend.get("service_port")),
                    "service_name",
                )
    for kind in ("spec", "rule", "http", "path"):
        for inner in instance.blocks(kind):
            yield from _backends(inner, depth + 1)


class UnprotectedIngress(Rule):
    id = "TF03"
    name = "monitoring-ingress-without-auth"
    title = "Ingress to a monitoring backend without authentication or TLS"
    severity = "high"
    kinds = ("terraform",)
    description = (
        "A kubernetes_ingress(_v1) routes to Prometheus, Alertmanager, Pushgateway or an "
        "exporter (by service name or port) with no authentication annotation (ingress-nginx "
        "auth-url/auth-type, Traefik middlewares, ALB auth) and no source allowlist: high. "
        "With authentication but without a tls block: medium, the credentials cross the "
        "network in clear text."
    )
    rationale = (
        "An ingress publishes the backend on the cluster's public entry point; these programs "
        "have no login of their own, so the ingress is the only place one can be added."
    )
    fix = (
        "Add authentication at the ingress (e.g. nginx.ingress.kubernetes.io/auth-url with "
        "oauth2-proxy, or auth-type basic with auth-secret) and a tls block with a certificate."
    )
    references = (
        TF_REGISTRY + "hashicorp/kubernetes/latest/docs/resources/ingress_v1",
        "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/",
        SECURITY,
    )
    tags = ("network", "authentication", "kubernetes")
    cwe = ("CWE-306", "CWE-319")
    controls = ("PGB-03", "PGB-02")

    def check(self, doc):
        for module in modules(doc):
            for resource in module.of_type("kubernetes_ingress", "kubernetes_ingress_v1"):
                for instance in resource.instances():
                    yield from self._ingress(instance)

    def _ingress(self, instance):
        annotations = _annotations(instance)
        auth = any(_AUTH_ANNOTATION.search(k) for k in annotations)
        specs = instance.blocks("spec")
        tls = bool(specs and specs[0].blocks("tls"))
        if (auth and tls) or (_allowlisted(annotations) and not auth):
            return
        for backend, name, port, name_key in _backends(instance):
            if name and _HAS_LOGIN_NAME.search(name):
                continue
            serves = name if unauthenticated(name) else MONITORING_PORTS.get(port or 0)
            if serves is None:
                continue
            where = at_attribute(backend, name_key) or at_block(backend)
            if not auth:
                yield finding(
                    self,
                    where,
                    f"`{instance.address}` routes to {serves} with no authentication"
                    + ("" if tls else " and no TLS"),
                    val=backend.get(name_key),
                    key_path=instance.address,
                )
            else:
                yield finding(
                    self,
                    where,
                    f"`{instance.address}` asks for credentials for {serves} without TLS",
                    val=backend.get(name_key),
                    severity="medium",
                    key_path=instance.address,
                )


_OLD_TLS_POLICIES = frozenset(
    (
        "ELBSecurityPolicy-2015-05",
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-TLS-1-0-2015-04",
        "ELBSecurityPolicy-TLS-1-1-2017-01",
        "ELBSecurityPolicy-FS-2018-06",
        "ELBSecurityPolicy-FS-1-1-2019-08",
        "ELBSecurityPolicy-TLS13-1-0-2021-06",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    )
)
_LB_TYPES = ("aws_lb", "aws_alb")
_LISTENER_TYPES = ("aws_lb_listener", "aws_alb_listener")
_LISTENER_RULE_TYPES = ("aws_lb_listener_rule", "aws_alb_listener_rule")


def _target_groups(listener, kind="default_action"):
    """The target groups a listener's default actions (or a rule's actions) forward to, simple
    and weighted."""
    for action in listener.blocks(kind):
        kind = _text(action.get("type"))
        if kind not in (None, "forward"):
            continue
        arns = [action.get("target_group_arn")]
        for forward in action.blocks("forward"):
            arns.extend(group.get("arn") for group in forward.blocks("target_group"))
        for arn in arns:
            ref = arn.ref if arn is not None else None
            if ref is not None and ref.type in ("aws_lb_target_group", "aws_alb_target_group"):
                instances = ref.instances()
                if instances:
                    yield instances[0]


def _monitoring_target(group) -> str | None:
    port = number(group.get("port"))
    if port in MONITORING_PORTS:
        return MONITORING_PORTS[port]
    context = context_text(group)
    if port in SHARED_PORTS and MONITORING_WORDS.search(context):
        return SHARED_PORTS[port]
    found = re.search(r"prometheus|alertmanager|pushgateway|grafana", context, re.I)
    return found.group(0) if found else None


class PlainHttpLoadBalancer(Rule):
    id = "TF04"
    name = "public-load-balancer-plain-http"
    title = "Public load balancer forwards plain HTTP to monitoring"
    severity = "high"
    kinds = ("terraform",)
    description = (
        "An internet-facing aws_lb (internal unset or false) has an HTTP listener that "
        "forwards to a target group of Prometheus, Alertmanager, Pushgateway, Grafana or an "
        "exporter (by port, or by name for Grafana's 3000): high. An HTTPS listener there with "
        "a security policy that still allows TLS 1.0 or 1.1: medium."
    )
    rationale = (
        "Plain HTTP on a public load balancer sends every query, password and session cookie "
        "over the internet in clear text, and puts the backend on the internet as well."
    )
    fix = (
        "Listen on HTTPS (443) with a certificate and ELBSecurityPolicy-TLS13-1-2-2021-06, "
        "redirect port 80 to it, and authenticate users (ALB authenticate-oidc or a proxy)."
    )
    references = (
        TF_REGISTRY + "hashicorp/aws/latest/docs/resources/lb_listener",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html",
    )
    tags = ("network", "tls")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for module in modules(doc):
            for resource in module.of_type(*_LISTENER_TYPES):
                for listener in resource.instances():
                    yield from self._listener(listener, listener, "default_action")
            for resource in module.of_type(*_LISTENER_RULE_TYPES):
                for rule in resource.instances():
                    arn = rule.get("listener_arn")
                    listener = arn.ref if arn is not None else None
                    if listener is not None and listener.type in _LISTENER_TYPES:
                        for instance in listener.instances()[:1]:
                            yield from self._listener(instance, rule, "action")

    def _listener(self, listener, forwarder, kind):
        """``forwarder`` (the listener itself, or one of its rules) sends traffic that arrives
        on ``listener`` to target groups."""
        lb = listener.get("load_balancer_arn")
        balancer = lb.ref if lb is not None else None
        if balancer is None or balancer.type not in _LB_TYPES:
            return
        lb_instances = balancer.instances()
        if not lb_instances:
            return
        internal = lb_instances[0].get("internal")
        lb_type = _text(lb_instances[0].get("load_balancer_type")) or "application"
        if (internal is not None and internal.value is not False) or lb_type != "application":
            return
        groups = _target_groups(forwarder, kind)
        targets = [t for t in (_monitoring_target(g) for g in groups) if t]
        if not targets:
            return
        protocol = listener.get("protocol")
        text = _text(protocol) if protocol is not None else "HTTP"  # the ALB default
        if forwarder is listener:
            where = at_attribute(listener, "protocol") or at_attribute(listener, "port")
            where = where or at_block(listener)
        else:
            where = at_block(forwarder)
        via = "" if forwarder is listener else f" (through `{forwarder.address}`)"
        if text == "HTTP":
            yield finding(
                self,
                where,
                f"`{listener.address}` serves {targets[0]} over plain HTTP on a public load "
                f"balancer{via}",
                val=protocol,
                key_path=forwarder.address,
            )
        elif text == "HTTPS" and forwarder is listener:
            policy = listener.get("ssl_policy")
            if policy is not None and policy.text() in _OLD_TLS_POLICIES:
                yield finding(
                    self,
                    at_attribute(listener, "ssl_policy"),
                    f"`{listener.address}` uses {policy.text()}, which still allows TLS 1.0 "
                    f"or 1.1, in front of {targets[0]}",
                    val=policy,
                    severity="medium",
                    key_path=listener.address,
                )


# Keys that name where a secret is, not the secret: existingSecret, secretName, passwordKey,
# adminPasswordKey (the charts write these in camelCase; grafana.ini's secret_key is a secret).
_NOT_A_PASSWORD_KEY = lazy(r"^existing|[a-z](Key|Name|Ref|File|Path)$|_(file|path)$")
_SECRET_URL_KEY = lazy(r"^(slack_api_url|webhook_url|api_url|url)$", re.I)
_DEFAULT_PASSWORDS = frozenset(("admin", "prom-operator"))
_PASSWORD_CHARTS = frozenset(("kube-prometheus-stack", "grafana", "prometheus"))


class HelmLiteralPassword(Rule):
    id = "TF05"
    name = "helm-literal-password"
    title = "Helm release with a literal password"
    severity = "high"
    kinds = ("terraform",)
    description = (
        "A helm_release of kube-prometheus-stack, grafana or prometheus passes a password, "
        "token or secret written in the code, in a set / set_sensitive entry or in values "
        "(yamlencode or YAML text): high; critical when it is `admin` or `prom-operator`, the "
        "charts' well-known defaults. Values that come from a variable without a default, or "
        "from a secret store, are not reported."
    )
    rationale = (
        "The password ends up in the repository, the plan output and the Terraform state; a "
        "well-known one is the first thing anyone tries on a Grafana login page."
    )
    fix = (
        "Point the chart at an existing Kubernetes secret (e.g. grafana.admin.existingSecret) "
        "or pass the value with set_sensitive from a variable marked sensitive, fed from a "
        "secret store."
    )
    references = (
        HELM_RELEASE,
        "https://github.com/grafana/helm-charts/blob/main/charts/grafana/README.md",
    )
    tags = ("secrets",)
    cwe = ("CWE-798",)
    controls = ("PGB-05", "PGB-03")

    def check(self, doc):
        for module in modules(doc):
            for resource in module.of_type("helm_release"):
                for instance in resource.instances():
                    if chart_name(instance) in _PASSWORD_CHARTS:
                        yield from self._release(instance)

    def _release(self, instance):
        for setting in helm_settings(instance):
            last = setting.key.rsplit(".", 1)[-1].split("[", 1)[0]
            if _NOT_A_PASSWORD_KEY.search(last):
                continue
            value = setting.text
            secret_url = _SECRET_URL_KEY.match(last) and url_carries_secret(value or "")
            if not secret_name(_snake(last)) and not secret_url:
                continue
            if not value or value.startswith("${"):
                continue
            if placeholder(value):
                yield finding(
                    self,
                    setting.where,
                    f"helm_release `{instance.address}` sets `{setting.key}` to {PLACEHOLDER_NOTE}",
                    val=setting.val,
                    severity="low",
                    key_path=f"{instance.address}.{setting.key}",
                )
                continue
            critical = value in _DEFAULT_PASSWORDS
            yield finding(
                self,
                setting.where,
                f"helm_release `{instance.address}` sets `{setting.key}` to a literal "
                f"{'well-known default ' if critical else ''}value ({MASK})",
                val=setting.val,
                severity="critical" if critical else None,
                key_path=f"{instance.address}.{setting.key}",
            )


_RISKY_VALUES = {
    "enableAdminAPI": "the TSDB admin API (delete series, snapshots)",
    "enableRemoteWriteReceiver": "the remote-write receiver (anyone who reaches it writes data)",
    "enableOTLPReceiver": "the OTLP receiver (anyone who reaches it writes data)",
}
_RISKY_FLAG = lazy(r"^(--)?web\.enable-(admin-api|remote-write-receiver|otlp-receiver)$")


class HelmRiskyEndpoints(Rule):
    id = "TF07"
    name = "helm-admin-or-write-endpoints"
    title = "Helm values turn on the admin API or a write receiver"
    severity = "medium"
    kinds = ("terraform",)
    description = (
        "A helm_release sets enableAdminAPI, enableRemoteWriteReceiver or enableOTLPReceiver "
        "to true (kube-prometheus-stack's prometheusSpec), or passes --web.enable-admin-api, "
        "--web.enable-remote-write-receiver or --web.enable-otlp-receiver in extraFlags/"
        "extraArgs."
    )
    rationale = (
        "The admin API deletes data and writes snapshots; the receivers accept any series from "
        "anyone who can reach Prometheus. None of them asks for credentials."
    )
    fix = "Leave them off unless something needs them, and then only behind authentication."
    references = (
        HELM_RELEASE,
        "https://prometheus.io/docs/prometheus/latest/querying/api/#tsdb-admin-apis",
        SECURITY,
    )
    tags = ("admin-api",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)

    def check(self, doc):
        for module in modules(doc):
            for resource in module.of_type("helm_release"):
                for instance in resource.instances():
                    yield from self._release(instance)

    def _release(self, instance):
        for setting in helm_settings(instance):
            message = _risky(setting)
            if message is None:
                continue
            yield finding(
                self,
                setting.where,
                f"helm_release `{instance.address}`: {message}",
                val=setting.val,
                key_path=f"{instance.address}.{setting.key}",
            )


_ARGS_KEY = lazy(r"(extraFlags|extraArgs|additionalArgs)(\[\d+\])?(\.(?P<rest>.*))?$", re.I)


def _risky(setting) -> str | None:
    """What a chart value turns on, in the forms the charts take: kube-prometheus-stack's
    enableAdminAPI, the prometheus chart's extraFlags list and extraArgs map (flag: value),
    additionalArgs [{name: flag}], and helm's {a,b} list syntax."""
    key, text = setting.key, setting.text or ""
    what = _RISKY_VALUES.get(key.rsplit(".", 1)[-1])
    if what:
        return f"`{key}` turns on {what}" if text.lower() == "true" else None
    args = _ARGS_KEY.search(key)
    if args is None:
        return None
    rest = args.group("rest") or ""
    if rest and rest not in ("name", "value"):  # extraArgs map: the key is the flag
        candidates = [rest] if text.lower() not in ("false", "") else []
    else:
        candidates = [part.strip() for part in text.strip("{}").split(",")]
    for candidate in candidates:
        flag = _RISKY_FLAG.match(candidate.split("=", 1)[0])
        if flag and not candidate.lower().endswith("=false"):
            return f"`{key}` passes --{flag.group(0).lstrip('-')}"
    return None


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


class SecretVariableDefault(Rule):
    id = "TF08"
    name = "secret-variable-default"
    title = "Secret variable with a literal default, or not marked sensitive"
    severity = "medium"
    kinds = ("terraform",)
    description = (
        "A variable whose name says it holds a credential (password, token, secret, api_key "
        "...) has a literal default (medium; shown masked), or lacks `sensitive = true` (low: "
        "plan and apply print it)."
    )
    rationale = (
        "A default is committed with the code and used whenever nobody overrides it; a "
        "variable that is not sensitive is printed in plan output and CI logs."
    )
    fix = (
        "Remove the default and pass the value from a secret store (TF_VAR_..., a vault "
        "data source); add `sensitive = true`."
    )
    references = (
        "https://developer.hashicorp.com/terraform/language/values/variables"
        "#suppressing-values-in-cli-output",
    )
    tags = ("secrets",)
    cwe = ("CWE-798", "CWE-532")
    controls = ("PGB-05",)

    def check(self, doc):
        from promguard.parsers.hcl import Literal

        for module in modules(doc):
            for name, (block, file) in sorted(module.variables.items()):
                if not secret_name(_snake(name)):
                    continue
                default = block.body.attributes.get("default")
                if default is not None and isinstance(default.expr, Literal):
                    value = default.expr.value
                    if isinstance(value, str) and value.strip() and "${" not in value:
                        where = Where(
                            file.path,
                            default.line,
                            default.column,
                            default.end_line,
                            default.end_column,
                        )
                        yield finding(
                            self,
                            where,
                            f"variable `{name}` has a literal default ({MASK})",
                            key_path=f"var.{name}.default",
                        )
                sensitive = block.body.attributes.get("sensitive")
                if sensitive is None or getattr(sensitive.expr, "value", None) is not True:
                    yield finding(
                        self,
                        Where(file.path, block.line, block.column),
                        f"variable `{name}` holds a credential but is not `sensitive = true`: "
                        "plan output and logs show its value",
                        severity="low",
                        key_path=f"var.{name}",
                        fix="Add `sensitive = true` to the variable block.",
                    )


class PrometheusWorkspaceLogging(Rule):
    id = "TF09"
    name = "amp-workspace-without-logging"
    title = "Amazon Managed Prometheus workspace without logging"
    severity = "low"
    kinds = ("terraform",)
    description = (
        "An aws_prometheus_workspace has no logging_configuration, so rule and Alertmanager "
        "errors of the workspace go nowhere."
    )
    rationale = (
        "Without the workspace's vended logs, failed rule evaluations and alert deliveries are "
        "silent, and there is no record to look at after an incident."
    )
    fix = "Add a logging_configuration block with a CloudWatch log group (log_group_arn)."
    references = (
        TF_REGISTRY + "hashicorp/aws/latest/docs/resources/prometheus_workspace",
        "https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-logging.html",
    )
    tags = ("logging",)
    cwe = ("CWE-778",)
    controls = ("PGB-06",)

    def check(self, doc):
        for module in modules(doc):
            for resource in module.of_type("aws_prometheus_workspace"):
                for instance in resource.instances():
                    if not instance.blocks("logging_configuration"):
                        yield finding(
                            self,
                            at_block(instance),
                            f"`{instance.address}` has no logging_configuration",
                            key_path=instance.address,
                        )


class ModuleOutsideScan(Rule):
    id = "TF10"
    name = "module-outside-scanned-folder"
    title = "Local module outside the scanned folder, not read"
    severity = "low"
    kinds = ("terraform",)
    description = (
        "A `module` block's source is a local folder outside the folder being scanned. "
        "promguard does not read files outside what it was asked to scan (a pull request "
        "cannot make it read the runner's disk), so the module's resources are not judged and "
        "values that pass through it stay unknown."
    )
    rationale = (
        "A finding that is missing because a file was not read must not look like a module "
        "with nothing wrong in it."
    )
    fix = (
        "Scan the folder that holds both (the repository root), or, for a local scan of your "
        "own files, pass --read-outside."
    )
    references = ("https://developer.hashicorp.com/terraform/language/modules/sources#local-paths",)
    tags = ("coverage",)
    precision = "very-high"
    controls = ("PGB-10",)

    def check(self, doc):
        for module in modules(doc):
            for name, (block, file, source) in sorted(module.outside.items()):
                attribute = block.body.attributes.get("source")
                where = Where(file.path, attribute.line, attribute.column)
                yield finding(
                    self,
                    where,
                    f"module `{name}` ({source}) is outside the scanned folder and was not read",
                    key_path=f"module.{name}",
                )


RULES = (
    OpenMonitoringPort,
    ExposedKubernetesService,
    UnprotectedIngress,
    PlainHttpLoadBalancer,
    HelmLiteralPassword,
    HelmRiskyEndpoints,
    SecretVariableDefault,
    PrometheusWorkspaceLogging,
    ModuleOutsideScan,
)
