"""How a monitoring program is started: which program, with which flags and environment, as
docker compose or a Dockerfile starts it. The flag rules read this, so they judge the same
program the same way whichever file starts it."""

from __future__ import annotations

import os

# Binary names (as written in an entrypoint or command) of the programs the flag rules know.
BINARIES = {
    "prometheus": "prometheus",
    "alertmanager": "alertmanager",
    "pushgateway": "pushgateway",
    "node_exporter": "node_exporter",
    "blackbox_exporter": "blackbox_exporter",
    "oauth2-proxy": "oauth2-proxy",
    "oauth2_proxy": "oauth2-proxy",
    "grafana-server": "grafana",
    "grafana": "grafana",
}
_SHELLS = ("sh", "bash", "ash", "dash", "zsh")
# Init and privilege-drop wrappers that run the real program after their own arguments.
_WRAPPERS = ("tini", "dumb-init", "gosu", "su-exec", "catatonit")
_WRAPPERS_WITH_USER = ("gosu", "su-exec")


class Setting:
    """A flag's or environment variable's value and the item (position) that set it."""

    __slots__ = ("name", "value", "item")

    def __init__(self, name: str, value: str, item):
        self.name = name
        self.value = value
        self.item = item

    @property
    def on(self) -> bool:
        """True as Go's strconv.ParseBool reads it (pflag, viper)."""
        return self.value.strip() in ("1", "t", "T", "true", "TRUE", "True")

    @property
    def off(self) -> bool:
        return self.value.strip() in ("0", "f", "F", "false", "FALSE", "False")


class Invocation:
    __slots__ = ("program", "image", "args", "flags", "env", "anchor", "label", "service", "doc")

    def __init__(self, program, image, args, env, anchor, label, doc, service=None):
        from promguard.models.services import parse_flags

        self.program = program
        self.image = image
        self.args = args  # items with .value and a position
        self.flags = parse_flags(program, [a.value for a in args])
        self.env = env  # name -> item
        self.anchor = anchor  # where a finding about something missing points
        self.label = label  # "service `prometheus`", "Dockerfile"
        self.service = service  # the compose service, when there is one
        self.doc = doc  # the file of the anchor

    def flag(self, name: str) -> Setting | None:
        flag = self.flags.get(name)
        return self._setting(name, flag) if flag is not None else None

    def all(self, name: str) -> list[Setting]:
        return [self._setting(name, f) for f in self.flags.all(name)]

    def _setting(self, name, flag) -> Setting:
        # A value flag at the very end has no value word: point at the flag itself.
        index = flag.value_index if flag.value_index < len(self.args) else flag.index
        return Setting(name, flag.value, self.args[index])

    def setting(self, name: str) -> Setting | None:
        """A flag, or for oauth2-proxy its OAUTH2_PROXY_* environment twin (flags win)."""
        found = self.flag(name)
        if found is not None or self.program != "oauth2-proxy":
            return found
        from promguard.models.services import env_flags

        for var, item in self.env.items():
            if var.upper().startswith("OAUTH2_PROXY_") and name in env_flags(
                self.program, {var: item.value}
            ):
                return Setting(var, item.value, item)
        return None

    def is_on(self, name: str) -> bool:
        if self.flags.is_true(name):
            return True
        if name in self.flags:
            return False  # switched off on the command line, which wins over the environment
        found = self.setting(name)
        return found is not None and found.on

    def doc_of(self, item):
        """The file an item was written in (compose items know theirs)."""
        return getattr(item, "doc", None) or self.doc


def _program_from(words: list, image) -> tuple[str | None, list]:
    """The program and its arguments, dropping the binary when a word names it."""
    words = _unwrap(words)
    if words:
        binary = os.path.basename(words[0].value.strip())
        if binary in BINARIES:
            return BINARIES[binary], words[1:]
        if binary in _SHELLS:
            return None, []  # a shell script: its flags are not ours to read
    return (image.program if image is not None else None), words


def _unwrap(words: list) -> list:
    """`tini -- prometheus ...`, `gosu nobody prometheus ...`: the words after the wrapper."""
    while words and os.path.basename(words[0].value.strip()) in _WRAPPERS:
        wrapper = os.path.basename(words[0].value.strip())
        words = words[1:]
        while words and words[0].value.startswith("-") and words[0].value != "--":
            words = words[1:]  # the wrapper's own options
        if words and words[0].value == "--":
            words = words[1:]
        elif wrapper in _WRAPPERS_WITH_USER and words:
            words = words[1:]  # the user to run as
    return words


def compose_invocations(doc) -> list[Invocation]:
    from promguard.models.services import parse_image

    project = doc.compose
    found = []
    for service in project.services.values() if project is not None else ():
        image = parse_image(service.image.value) if service.image is not None else None
        words = list(service.entrypoint or []) + list(service.command or [])
        program, args = _program_from(words, image)
        if program is None:
            continue
        label = f"service `{service.name}`"
        found.append(
            Invocation(
                program, image, args, service.environment, service.key, label, service.doc, service
            )
        )
    return found


def dockerfile_invocations(doc) -> list[Invocation]:
    """The program the final stage starts: ENTRYPOINT (exec form) then CMD, or CMD alone
    appended to the base image's own entrypoint (prom/* images start their program). ENTRYPOINT,
    CMD and ENV are inherited from the stages the final one is built FROM."""
    from promguard.models.services import parse_image

    dockerfile = doc.roots[0] if doc.roots else None
    stage = dockerfile.final if dockerfile is not None else None
    if stage is None:
        return []
    chain = dockerfile.ancestry(stage)
    image = parse_image(chain[-1].base)
    entrypoint, cmd = _inherited_start(chain)
    if entrypoint is not None and not entrypoint.json_form:
        return []  # shell form runs /bin/sh -c: CMD is ignored and the flags are a script's
    words = _words(entrypoint) if entrypoint is not None else []
    if cmd is not None and (cmd.json_form or entrypoint is None):
        words += _words(cmd)
    program, args = _program_from(words, image)
    if program is None:
        return []
    env = {}
    for current in reversed(chain):  # the base first: later stages override
        for instruction in current.find("ENV"):
            for word in _words(instruction):
                env[word.key] = word
    anchor = entrypoint or cmd or stage.instructions[0]
    return [Invocation(program, image, args, env, anchor, "the Dockerfile", doc)]


def _inherited_start(chain):
    """ENTRYPOINT and CMD in force for the last stage of ``chain`` (nearest stage first).
    Setting ENTRYPOINT in a stage resets the CMD it inherited, as docker build does."""
    entrypoint = cmd = None
    cmd_reset = False
    for current in chain:
        if entrypoint is None and current.last("ENTRYPOINT") is not None:
            entrypoint = current.last("ENTRYPOINT")
            if cmd is None and current.last("CMD") is None:
                cmd_reset = True
        if cmd is None and not cmd_reset and current.last("CMD") is not None:
            cmd = current.last("CMD")
    return entrypoint, cmd


class _Word:
    """A Dockerfile argument seen as a command word: ``value`` and a position."""

    __slots__ = ("value", "key", "literal", "line", "column", "end_line", "end_column", "path")

    def __init__(self, arg, path: str):
        self.value = arg.text or ""  # ENV/ARG pairs: the value alone; None for ARG without one
        self.key = arg.key
        self.literal = "$" not in arg.text  # ${VAR} comes from the build or the run
        self.line, self.column = arg.line, arg.column
        self.end_line, self.end_column = arg.end_line, arg.end_column
        self.path = path


def _words(instruction) -> list[_Word]:
    return [_Word(arg, f"{instruction.path}[{i}]") for i, arg in enumerate(instruction.args)]


def systemd_invocations(doc) -> list[Invocation]:
    """The program a systemd unit starts, with the command line ExecStart runs ($ARGS from its
    environment file expanded, each word placed where it is written)."""
    service = doc.roots[0] if doc.roots else None
    if service is None or service.program is None or not service.words:
        return []
    anchor = service.last("ExecStart")
    label = f"unit `{service.name}`"
    return [Invocation(service.program, None, service.words[1:], service.env, anchor, label, doc)]


def invocations(doc) -> list[Invocation]:
    """The monitoring programs ``doc`` starts, cached on the document: every flag rule asks."""
    cached = doc.cache.get("invocations")
    if cached is not None:
        return cached
    if doc.kind == "compose":
        found = compose_invocations(doc)
    elif doc.kind == "dockerfile":
        found = dockerfile_invocations(doc)
    elif doc.kind == "systemd":
        found = systemd_invocations(doc)
    else:
        found = []
    doc.cache["invocations"] = found
    return found


def reads_own_grafana_config(inv) -> bool:
    """Grafana reads settings promguard does not see: a mounted or baked-in grafana.ini, or an
    env_file that is not there to read."""
    if "GF_PATHS_CONFIG" in inv.env or inv.service is None:
        return "GF_PATHS_CONFIG" in inv.env
    if not inv.service.env_complete:
        return True
    return any(
        (v.target or "").rstrip("/") in ("/etc/grafana", "/etc/grafana/grafana.ini")
        for v in inv.service.volumes
    )
