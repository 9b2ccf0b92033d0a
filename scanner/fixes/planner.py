"""What each rule's fix is, and the edits that make it (nginx here, YAML through
yaml_edit.py): planned from the findings of a normal scan."""

from __future__ import annotations

import os
import re

from ..models.services import TOOLKIT_PROGRAMS
from .yaml_edit import (
    AddKey,
    AppendToList,
    AppendToScalar,
    SetTrue,
    SourceText,
    YamlFile,
    located,
    read_source,
    round_trip_yaml,
)

# Programs known never to write their configuration, keys or certificates; a mount of
# them may be read-only. nginx's entrypoint renders templates into /etc/nginx/conf.d, traefik
# and caddy keep certificates in folders a configuration may point into, promtail keeps its
# positions where its configuration says: for those only file mounts are made read-only.
_READS_CONFIG = frozenset(
    (*TOOLKIT_PROGRAMS, "cadvisor", "grafana", "oauth2-proxy", "loki", "promtail")
    + ("nginx", "caddy", "traefik")
)
_FOLDER_SAFE = frozenset((*TOOLKIT_PROGRAMS[:6], "cadvisor", "grafana"))
# no-new-privileges stops file capabilities from being granted on exec: the caddy image sets
# cap_net_bind_service on its binary for a non-root user to bind port 80.
_NNP_SAFE = _READS_CONFIG - {"caddy"}
_CONFIG_FILE = (".yml", ".yaml", ".conf", ".toml", ".ini", ".htpasswd", ".rules")
_SECRET_FILE = (".pem", ".crt", ".cert", ".key", ".p12", ".pfx", ".htpasswd")
# A flag or variable naming a place the program writes (its storage, a log, a state file).
_WRITES = re.compile(
    r"storage|data|persist|position|wal|log|cache|state|db|backup|dump|output|tmp|upload|plugin",
    re.I,
)
_SERVICE = re.compile(r"service `([^`]+)`")
# Context lines of the diff that look like a credential are not shown (the findings about
# secrets mark theirs; this catches what no rule reports).
NO_REWRITE = "not changed: ruamel.yaml cannot rewrite the file without changing other lines"


class Advice:
    """A finding (or part of one) that needs a human; printed, never applied."""

    __slots__ = ("path", "line", "column", "rule_id", "message", "fix")

    def __init__(self, path, line, column, rule_id, message, fix=""):
        self.path, self.line, self.column = path, line, column
        self.rule_id, self.message, self.fix = rule_id, message, fix

    def key(self):
        return (self.path, self.line, self.column, self.rule_id, self.message)


class Fix:
    """One change to one file. ``op`` is a YAML operation (_YamlOp) or a nginx line edit."""

    __slots__ = (
        "rule_id",
        "abspath",
        "path",
        "line",
        "column",
        "what",
        "op",
        "message",
        "fix",
        "companion",
    )

    def __init__(self, rule_id, abspath, path, line, column, what, op, message, fix):
        self.rule_id, self.abspath, self.path = rule_id, abspath, path
        self.line, self.column, self.what, self.op = line, column, what, op
        self.message, self.fix = message, fix  # for the advice if it cannot be made
        self.companion: Advice | None = None  # what is left for a human once it is made

    def as_advice(self, reason: str) -> Advice:
        return Advice(
            self.path, self.line, self.column, self.rule_id, f"{self.message} ({reason})", self.fix
        )


# ---------------------------------------------------------------------------------------------
# What each rule's fix is


class Planner:
    def __init__(
        self, root: str, scanned: set[str], rules: dict, scan_roots=(), max_file_bytes=None
    ):
        from ..limits import DEFAULT_MAX_FILE_BYTES

        self.root = root
        self.max_file_bytes = max_file_bytes or DEFAULT_MAX_FILE_BYTES
        self.scan_roots = [os.path.realpath(p) for p in scan_roots]
        self.scanned = scanned
        self.rules = rules
        self.fixes: list[Fix] = []
        self.advice: list[Advice] = []
        self.projects: dict[str, object] = {}
        self.texts: dict[str, SourceText | None] = {}
        self.trees: dict[str, object] = {}

    def abspath(self, path: str) -> str:
        return os.path.normpath(path if os.path.isabs(path) else os.path.join(self.root, path))

    def display(self, abspath: str) -> str:
        from ..files import display_path

        return display_path(abspath, self.root)

    def text(self, abspath: str) -> SourceText | None:
        if abspath not in self.texts:
            self.texts[abspath] = read_source(abspath, self.max_file_bytes)
        return self.texts[abspath]

    def tree(self, abspath: str):
        """The file as ruamel.yaml reads it (positions of every key and item), or None."""
        if abspath not in self.trees:
            source = self.text(abspath)
            tree = None
            if source is not None:
                try:
                    tree = round_trip_yaml(2, 2, 0, False).load(source.text)
                except Exception:
                    tree = None
            self.trees[abspath] = tree
        return self.trees[abspath]

    def advise(self, finding, note: str = "") -> None:
        rule = self.rules.get(finding.rule_id)
        fix = finding.fix or (rule.fix if rule is not None else "")
        message = f"{finding.message} ({note})" if note else finding.message
        self.advice.append(
            Advice(finding.path, finding.line, finding.column, finding.rule_id, message, fix)
        )

    def plan(self, finding) -> None:
        handler = {
            "DC10": self.no_new_privileges,
            "DC11": self.read_only_mounts,
            "NGX08": self.server_tokens,
            "AM03": self.require_tls,
        }.get(finding.rule_id)
        outcome = handler(finding) if handler is not None else False
        if outcome is not True:
            self.advise(finding, outcome or "")

    # -- compose ------------------------------------------------------------------------------

    def project(self, abspath: str):
        """The compose project the file belongs to (base, overrides, extends), as the rules saw
        it; None when it cannot be built."""
        from ..models import compose

        base = abspath
        if compose.is_override_name(abspath):
            base = compose.base_path(abspath) or abspath
        if base in self.projects:
            return self.projects[base]
        self.projects[base] = None
        from ..document import Document
        from ..models.interpolate import parse_env_file
        from ..parsers.yaml_tree import YamlError, parse_yaml

        folder = os.path.dirname(base)

        def inside(path):
            # what the scan read: the project's folder and the scanned folders
            real = os.path.realpath(path)
            folders = [os.path.realpath(folder), *self.scan_roots]
            return any(real.startswith(f.rstrip(os.sep) + os.sep) for f in folders)

        def read(path):
            source = self.text(path) if inside(path) and os.path.isfile(path) else None
            if source is None:
                return None
            return Document(self.display(path), path, "text", source.text, [])

        def load(path):
            doc = read(path)
            if doc is None:
                return None
            try:
                doc.roots = parse_yaml(doc.text).documents
            except YamlError:
                return None
            doc.kind = "compose"
            return doc

        docs = [load(base)]
        if docs[0] is None:
            return None
        for path in compose.override_paths(base):
            if path != base and os.path.isfile(path):
                override = load(path)
                if override is not None:
                    docs.append(override)
        dotenv = read(os.path.join(folder, ".env"))
        env = {k: v for k, (v, _) in parse_env_file(dotenv.text).items()} if dotenv else {}
        project = compose.build_project(docs, env, compose.Loader(load, read))
        self.projects[base] = project
        return project

    def service(self, finding):
        match = _SERVICE.search(finding.message)
        project = self.project(self.abspath(finding.path)) if match else None
        return project.services.get(match.group(1)) if project is not None else None

    def read_only_mounts(self, finding) -> bool:
        from ..models.compose_services import program_of, writable_config

        service = self.service(finding)
        if service is None:
            return False
        program = program_of(service)
        known = program in _READS_CONFIG or _is_exporter(service)
        if not known:  # an image promguard does not know may write its config
            return "not changed: promguard does not know whether this image writes there"
        mounts = [v for v in service.volumes if writable_config(v) or _writable_secret(v)]
        handled = 0
        for volume in mounts:
            abspath = volume.item.doc.abspath
            if abspath not in self.scanned:
                continue  # only the files of the scan are changed
            path = self.display(abspath)
            what = f"service `{service.name}` mounts {volume.target} writable"
            reason = _why_not_read_only(service, program, volume)
            op = None if reason else self.read_only_op(abspath, volume)
            if op is None or isinstance(op, str):
                reason = reason or op or "not changed: written in a way promguard does not edit"
                self.advice.append(
                    Advice(
                        path,
                        volume.item.line,
                        volume.item.column,
                        "DC11",
                        f"{what} ({reason})",
                        "Append `:ro` if nothing in the container writes there.",
                    )
                )
                handled += 1
                continue
            self.fixes.append(
                Fix(
                    "DC11",
                    abspath,
                    path,
                    volume.item.line,
                    volume.item.column,
                    f"`:ro` on {volume.target} of service `{service.name}`",
                    op,
                    what,
                    finding.fix,
                )
            )
            handled += 1
        return handled > 0

    def read_only_op(self, abspath: str, volume):
        from ..parsers.yaml_tree import Mapping, Scalar

        tree = self.tree(abspath)
        node = volume.item.node
        if tree is None:
            return None
        path = located(tree, node.line - 1, node.column - 1)
        if path is None:
            return None
        if isinstance(node, Scalar):
            suffix, reason = _mount_suffix(volume.item.raw, volume.item.value)
            return AppendToScalar(path, suffix) if suffix else reason
        if isinstance(node, Mapping) and node.get("read_only") is not None:
            return "not changed: `read_only` is set to false on purpose"
        if isinstance(node, Mapping):
            return AddKey(
                path,
                "read_only",
                lambda: (True, True),
                re.compile(r"\s*read_only: true"),
                re.compile(r",? ?read_only: true,? ?"),
            )
        return None

    def no_new_privileges(self, finding) -> bool:
        missing = re.search(r" has no (.+)$", finding.message)
        if not missing or "no-new-privileges" not in missing.group(1).split(", "):
            return False
        service = self.service(finding)
        if service is None or service.doc.path != finding.path:
            return False
        from ..models.compose_services import program_of

        if program_of(service) not in _NNP_SAFE and not _is_exporter(service):
            # an image may need setuid binaries (sudo, su) or file capabilities
            return "not changed: check that the image needs no setuid binary or file capability"
        if service.items("cap_add"):
            # capabilities a non-root user gets only through its binary's file capabilities
            return "not changed: with cap_add, check that no binary relies on file capabilities"
        abspath = self.abspath(finding.path)
        tree = self.tree(abspath)
        services = tree.get("services") if isinstance(tree, dict) else None
        mapping = services.get(service.name) if isinstance(services, dict) else None
        if not isinstance(mapping, dict):
            return False
        own = getattr(mapping, "_ok", set(mapping))
        path = ("services", service.name)
        flow = re.compile(r'(, )?"no-new-privileges:true"(, )?')
        if "security_opt" in own:
            options = mapping["security_opt"]
            anchor = getattr(options, "anchor", None)
            if not isinstance(options, list) or (anchor is not None and anchor.value):
                return "not changed: the security_opt list is shared through an anchor"
            op = AppendToList(
                (*path, "security_opt"),
                _nnp_item,
                re.compile(
                    r"\s*- (\"no-new-privileges:true\"|'no-new-privileges:true'|"
                    r"no-new-privileges:true)"
                ),
                flow,
            )
        elif "security_opt" in mapping:
            # merged from an anchor: a list of the service's own would replace that one
            return "not changed: security_opt comes from a `<<:` merge"
        else:
            op = AddKey(
                path,
                "security_opt",
                _nnp_list,
                re.compile(r'\s*security_opt: \["no-new-privileges:true"\]'),
                re.compile(r'(, )?security_opt: \["no-new-privileges:true"\](, )?'),
            )
        fix = Fix(
            "DC10",
            abspath,
            finding.path,
            finding.line,
            finding.column,
            f"no-new-privileges for service `{service.name}`",
            op,
            finding.message,
            finding.fix,
        )
        rest = [m for m in missing.group(1).split(", ") if m != "no-new-privileges"]
        if rest:
            fix.companion = Advice(
                finding.path,
                finding.line,
                finding.column,
                finding.rule_id,
                f"service `{service.name}` has no {', '.join(rest)} "
                "(no-new-privileges is in the diff)",
                finding.fix,
            )
        self.fixes.append(fix)
        return True

    # -- nginx --------------------------------------------------------------------------------

    def server_tokens(self, finding) -> bool:
        abspath = self.abspath(finding.path)
        self.fixes.append(
            Fix(
                "NGX08",
                abspath,
                finding.path,
                finding.line,
                finding.column,
                "server_tokens off",
                ("server_tokens", finding.line, finding.column),
                finding.message,
                finding.fix,
            )
        )
        return True

    # -- alertmanager -------------------------------------------------------------------------

    def require_tls(self, finding) -> bool:
        from ..parsers.yaml_tree import Mapping, Scalar, Sequence, YamlError, parse_yaml

        abspath = self.abspath(finding.path)
        source = self.text(abspath)
        if source is None:
            return False
        try:
            roots = parse_yaml(source.text).documents
        except YamlError:
            return False
        spot = (finding.line, finding.column)
        for root in roots:
            if not isinstance(root, Mapping):
                continue
            glob = root.get("global")
            glob = glob if isinstance(glob, Mapping) else Mapping()
            global_value = glob.get("smtp_require_tls")
            configs = []
            receivers = root.get("receivers")
            for receiver in receivers if isinstance(receivers, Sequence) else ():
                found = receiver.get("email_configs") if isinstance(receiver, Mapping) else None
                if isinstance(found, Sequence):
                    configs.extend(c for c in found if isinstance(c, Mapping))
            if (
                isinstance(global_value, Scalar)
                and (global_value.line, global_value.column) == spot
            ):
                # every receiver that inherits the setting must be on a STARTTLS port
                inheriting = [c for c in configs if c.get("require_tls") is None]
                ok = all(_starttls_offered(c, glob) for c in inheriting)
            else:
                own = [
                    c
                    for c in configs
                    if isinstance(c.get("require_tls"), Scalar)
                    and (c.get("require_tls").line, c.get("require_tls").column) == spot
                ]
                if not own:
                    continue
                ok = _starttls_offered(own[0], glob)
            if not ok:
                self.advise(
                    finding,
                    "not changed: the smarthost is not on port 587, or on 25 with "
                    "authentication, so STARTTLS may not be offered",
                )
                return True
            tree = self.tree(abspath)
            path = located(tree, finding.line - 1, finding.column - 1) if tree else None
            if path is None:
                return False
            self.fixes.append(
                Fix(
                    "AM03",
                    abspath,
                    finding.path,
                    finding.line,
                    finding.column,
                    f"{path[-1]}: true",
                    SetTrue(path),
                    finding.message,
                    finding.fix,
                )
            )
            return True
        return False


def _nnp_list():
    from ruamel.yaml.comments import CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    options = CommentedSeq([DoubleQuotedScalarString("no-new-privileges:true")])
    options.fa.set_flow_style()
    return options, ["no-new-privileges:true"]


def _nnp_item(items):
    """The new security_opt item, quoted like the list's first item (double quotes in a flow
    list, where a plain `a:b` is not read the same way by every parser)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    text = "no-new-privileges:true"
    if items is None:
        return None, text
    flow = items.fa.flow_style() if hasattr(items, "fa") else False
    first = items[0] if len(items) else None
    if isinstance(first, SingleQuotedScalarString):
        return SingleQuotedScalarString(text), text
    if flow or first is None or isinstance(first, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(text), text
    return text, text


def _is_exporter(service) -> bool:
    from ..models.compose_services import is_exporter

    return is_exporter(service)


def _writable_secret(volume) -> bool:
    """A key, certificate or password file bind-mounted writable (DC11 reports the configs)."""
    if volume.type != "bind" or volume.read_only or not volume.target:
        return False
    target = volume.target
    return target.endswith(_SECRET_FILE) or target.startswith("/run/secrets/")


def _why_not_read_only(service, program, volume) -> str:
    """Why ``:ro`` on this mount may change what the service does; "" when it cannot."""
    target = volume.target.rstrip("/")
    if target.endswith(".json"):
        return "not changed: a .json file may be state the program writes, like acme.json"
    is_file = target.endswith(_CONFIG_FILE + _SECRET_FILE)
    if not is_file and program not in _FOLDER_SAFE:
        return f"not changed: {program or 'the program'} may write into that folder"
    if _written_there(service, target):
        return "not changed: the command line or environment points a writable path there"
    return ""


def _written_there(service, target: str) -> bool:
    def inside(value: str) -> bool:
        value = value.strip().strip("'\"")
        return value == target or value.startswith(target + "/")

    words = [w.value for w in (service.entrypoint or []) + (service.command or [])]
    for index, word in enumerate(words):
        name, sep, value = word.partition("=")
        if sep and inside(value) and _WRITES.search(name):
            return True
        if not sep and inside(word) and index and _WRITES.search(words[index - 1]):
            return True
    return any(
        inside(item.value) and _WRITES.search(name) for name, item in service.environment.items()
    )


def _mount_suffix(raw: str, value: str) -> tuple[str, str]:
    """What to append to a short-syntax mount for read-only (":ro" after the target, ",ro"
    after other options), or "" and why not: an explicit rw, or text that is not plainly
    source:target[:options] (a variable that may hold the options)."""
    parts = value.split(":")
    if len(parts) >= 2 and len(parts[0]) == 1 and parts[1].startswith("\\"):
        parts = [parts[0] + ":" + parts[1]] + parts[2:]  # a Windows drive letter
    last_raw = raw.rsplit(":", 1)[-1]
    unclear = "", "not changed: a variable decides the mount's target or options"
    if len(parts) == 2:
        return (":ro", "") if last_raw == parts[1] and "$" not in last_raw else unclear
    if len(parts) == 3:
        options = parts[2].split(",")
        if "rw" in options:
            return "", "not changed: the mount is marked `rw` on purpose"
        if last_raw != parts[2] or "$" in last_raw:
            return unclear
        return (",ro" if parts[2] else "ro"), ""
    return "", "not changed: not a source:target[:options] mount"


def _starttls_offered(config, glob) -> bool:
    """The smarthost an email receiver uses offers STARTTLS: the submission port 587, or 25
    with SMTP authentication (servers that take a password there offer TLS for it); never a
    relay on this host, and implicit TLS (465) does not use require_tls at all."""
    from promguard.models.services import is_loopback

    from ..parsers.yaml_tree import Scalar

    force = config.get("force_implicit_tls")
    force = force if force is not None else glob.get("smtp_force_implicit_tls")
    host_port = (config.text("smarthost") or glob.text("smtp_smarthost") or "").strip()
    host, _, port = host_port.rpartition(":")
    forced = force.as_bool() if isinstance(force, Scalar) else None
    if forced is True or (forced is None and port == "465"):
        return True  # implicit TLS: require_tls is not read
    if not host or is_loopback(host.strip("[]")):
        return False
    auth = any(config.text(f"auth_{k}") or glob.text(f"smtp_auth_{k}") for k in _AUTH)
    return port == "587" or (port == "25" and auth)


_AUTH = ("username", "password", "password_file", "secret", "secret_file")


# ---------------------------------------------------------------------------------------------
# Making the edits


_TOKENS = re.compile(r"(server_tokens\s+)(on|build|\"on\"|'on'|\"build\"|'build')(\s*;)")


def edit_nginx(text: str, fixes: list[Fix]) -> tuple[str, list[Fix], list[Fix]]:
    lines = text.split("\n")
    done, failed = [], []
    for fix in fixes:
        _, line, column = fix.op
        current = lines[line - 1] if line <= len(lines) else ""
        found = _TOKENS.match(current, column - 1)
        if found is None:
            failed.append(fix)
            continue
        lines[line - 1] = current[: found.start(2)] + "off" + current[found.end(2) :]
        done.append(fix)
    return "\n".join(lines), done, failed


def edit_yaml(source: SourceText, fixes: list[Fix]) -> tuple[str, list[Fix], list[Fix]]:
    document = YamlFile.open(source)
    if document is None:
        return source.text, [], list(fixes)
    done, failed = [], []
    for fix in fixes:
        (done if document.apply(fix.op) else failed).append(fix)
    text = document.text
    if not source.text.endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    return text, done, failed
