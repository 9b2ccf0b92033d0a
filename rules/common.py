"""Checks shared by the rule families of Go programs' YAML configs (Prometheus, Alertmanager)."""

from __future__ import annotations

import re

from promguard.lazy_regex import lazy
from promguard.model import MASK
from promguard.rule import Rule

# ${NAME}, ${NAME:-default} and friends; $NAME only in capitals, because a bare $word is common
# inside passwords and regular expressions, while environment variables are written in capitals.
_ENV = lazy(
    r"\$\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:[:?+=-][^}]*)?\}"
    # A bare $NAME only where a variable stands on its own (start, or after a separator):
    # inside a word, as in Xk9$TRONG!pass, it is part of a password.
    r"|(?:^|(?<=[\s/:=@\"'(,]))\$(?P<bare>[A-Z_][A-Z0-9_]{2,})\b"
)
_TEMPLATE = lazy(r"\{\{.*?\}\}", re.DOTALL)  # Go templates keep their own $variables
_USERINFO = lazy(r"^[a-z][a-z0-9+.-]*://[^/@\s]*:[^/@\s]+@", re.IGNORECASE)

OLD_TLS = {"TLS10": "TLS 1.0", "TLS11": "TLS 1.1"}


# How a secret rule says a value is a placeholder (models.secrets.placeholder), at low.
PLACEHOLDER_NOTE = (
    "a placeholder, not a secret yet: supply the real value at deploy time (a `*_FILE` "
    "variable or a mounted secret), not in this file"
)


def env_references(text: str) -> list[str]:
    """The environment variables ``text`` refers to, as a shell or docker compose would see
    them; ``$$`` is an escaped dollar and Go template blocks are left out."""
    if "$" not in text:
        return []
    text = _TEMPLATE.sub("", text.replace("$$", ""))
    return [m.group("braced") or m.group("bare") for m in _ENV.finditer(text)]


def has_userinfo_password(url: str) -> bool:
    """True for scheme://user:password@host, the credential form that ends up in logs and UIs."""
    return bool(_USERINFO.match(url.strip()))


_SECRET_PARAM = lazy(r"(token|key|secret|sig|signature|code|auth|pass|pwd)", re.I)
_WEBHOOK_HOSTS = (
    "hooks.slack.com",
    "discord.com",
    "discordapp.com",
    "outlook.office.com",
    "webhook.office.com",
    "logic.azure.com",
    "api.telegram.org",
    "chat.googleapis.com",
    "oapi.dingtalk.com",
    "open.feishu.cn",
)


def url_carries_secret(url: str) -> bool:
    """Does this URL work as a credential? Webhook services put the secret in the path or the
    query; a plain http://receiver:8080/alerts holds nothing worth hiding."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return True  # cannot tell: treat as the secret Alertmanager types it as
    if parts.password:
        return True
    if any(host == h or host.endswith("." + h) for h in _WEBHOOK_HOSTS):
        return True  # the URL is the credential (a placeholder of one is reported low)
    for pair in parts.query.split("&"):
        name, _, value = pair.partition("=")
        if value and _SECRET_PARAM.search(name):
            return True
    return any(
        len(segment) >= 20
        and any(c.isdigit() for c in segment)
        and any(c.isalpha() for c in segment)
        for segment in parts.path.split("/")
    )


def masked_url(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[::1" and the like: mask what looks like userinfo
        return re.sub(r"^([^:/]*://[^:/@]*):[^@]*@", rf"\1:{MASK}@", url.strip())
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    return f"{parts.scheme}://{user}:{MASK}@{hostport}"


def url_host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def unknown_key_findings(rule, doc, schema, consequence: str, skip=frozenset()):
    """Findings for keys a strictly-decoding Go program rejects; ``consequence`` says what the
    program then does."""
    from promguard.models.schema import unknown_keys

    for root in doc.mappings():
        for unknown in unknown_keys(root, schema, skip=skip):
            where = f" in `{unknown.parent_path}`" if unknown.parent_path else " at the top level"
            hint = f"; did you mean `{unknown.suggestion}`?" if unknown.suggestion else ""
            yield rule.report(
                doc, unknown.key, f"unknown key `{unknown.key.text}`{where}: {consequence}{hint}"
            )


def secret_findings(rule, doc, schema, program: str, no_twin_fix: str, skip=None):
    """PROM02/AM01: a literal where a secret belongs. ``skip(key, value)`` leaves out values
    that are not credentials after all."""
    from promguard.models.schema import secrets
    from promguard.models.secrets import placeholder

    for root in doc.mappings():
        for key, value, spec in secrets(root, schema):
            if env_references(value.text) or (skip is not None and skip(key, value)):
                continue  # an unexpanded ${VAR} is reported by its own rule
            shown = f"plaintext secret in `{value.path}` (`{key.text}: {MASK}`)"
            if placeholder(value.text):
                where = f"`{spec.twin}`" if spec.twin else "the environment at deploy time"
                yield rule.report(
                    doc,
                    value,
                    f"`{value.path}` holds a placeholder (`{key.text}: {MASK}`), not a secret "
                    f"yet: fill it in through {where}, not in this file",
                    severity="low",
                    fix=f"Set `{spec.twin}` to a file readable only by {program}."
                    if spec.twin
                    else no_twin_fix,
                )
            elif spec.twin:
                since = f" ({program} {spec.since} and later)" if spec.since else ""
                yield rule.report(
                    doc,
                    value,
                    shown,
                    fix=f"Put the value in a file readable only by {program} and set "
                    f"`{spec.twin}`{since} instead of `{key.text}`.",
                )
            else:
                yield rule.report(
                    doc,
                    value,
                    f"{shown}; this field has no file variant",
                    severity="low",
                    fix=no_twin_fix,
                )


def unexpanded_findings(rule, doc, program: str, skip=None, severity_of=None):
    """PROM03/AM02: ${VAR} that the program sends as written. ``skip(path)`` names the places
    where the program does expand, or where $ means something else; ``severity_of(path)`` what
    the literal text costs there (None: the rule's severity)."""
    from promguard.parsers.yaml_tree import scalars

    for root in doc.mappings():
        for value in scalars(root):
            if skip is not None and skip(value.path):
                continue
            names = env_references(value.text)
            if names:
                shown = ", ".join(f"`${{{n}}}`" for n in dict.fromkeys(names))
                yield rule.report(
                    doc,
                    value,
                    f"{shown} in `{value.path}` is not expanded: {program} uses the literal text",
                    severity=severity_of(value.path) if severity_of is not None else None,
                )


# The programs whose flags and environment the program rules read, wherever they are set.
PROGRAM_KINDS = ("compose", "dockerfile", "systemd")


def invocations_of(doc, program: str):
    """How ``program`` is started in ``doc``: one invocation per compose service, Dockerfile or
    unit that runs it (models.invocation)."""
    from promguard.models.invocation import invocations

    return [inv for inv in invocations(doc) if inv.program == program]


class FlagRule(Rule):
    """A boolean flag of one program that should stay off."""

    program = ""
    flag = ""
    what = ""

    def check(self, doc):
        for inv in invocations_of(doc, self.program):
            if inv.is_on(self.flag):
                setting = inv.flag(self.flag)
                item = setting.item if setting is not None else inv.anchor
                yield self.report(
                    inv.doc_of(item),
                    item,
                    f"{inv.label} runs {self.program} with --{self.flag}: {self.what}",
                )
