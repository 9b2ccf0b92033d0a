"""Secrets kept out of the report's code excerpts: the values on lines a secret rule points
at, the values of keys that name a secret, passwords in URLs, bearer tokens and private key
blocks become ********."""

from __future__ import annotations

import re

from ..model import MASK

# Rules whose findings point at a secret: their lines are masked whatever the syntax.
SECRET_CWES = frozenset(
    ("CWE-256", "CWE-257", "CWE-312", "CWE-321", "CWE-522", "CWE-532", "CWE-538", "CWE-798")
)
_KEYWORDS = (
    r"password|passwd|secret|token|api_?key|credential|private_key|client_secret|auth"
    r"|routing_key|service_key|access_key"
)
# `key: value`, `key=value`, `key = "value"`, `--flag=value`, `"key": "value"`
_SECRET_KEY = re.compile(
    rf"""(?P<key>[\w.\-]*(?:{_KEYWORDS})[\w.\-]*)(?P<sep>["']?[ \t]*(?::[ \t]|:$|=)[ \t]*)"""
    r"""(?P<value>\S.*)?$""",
    re.IGNORECASE,
)
# keys that name a secret's file or its kind, not the secret
_NOT_SECRET = re.compile(r"[_-](file|files|path|type|dir|enabled)$", re.IGNORECASE)
# Dockerfile `ENV NAME value` and `ARG`: the older form with a space, not `=`
_DOCKER_ENV = re.compile(
    rf"""^(\s*(?:ENV|ARG)\s+[\w.\-]*(?:{_KEYWORDS})[\w.\-]*[ \t]+)(?=[^\s=])\S.*$""",
    re.IGNORECASE,
)
_ANY_KEY = re.compile(
    r"""^(?P<key>\s*(?:-\s+)?[^\s:=#][^:=]*?["']?\s*(?::\s|=)\s*)(?P<value>\S.*)$"""
)
_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^\s/:@]*:)[^\s/@]+@", re.IGNORECASE)
# `user:pass@host` where a message quotes an address without its scheme (nginx upstreams)
_BARE_USERINFO = re.compile(r"""(?<![\w/:@.])([\w.~%!$&*+\-]+:)[^\s/@`'"()\[\]]+@(?=[\w\[])""")
# curl -u user:pass, --user user:pass, wget --password x, --http-password=x
_USER_FLAG = re.compile(
    r"""((?:^|[\s"',\[])(?:-[a-tv-zA-Z]*u|--user|--proxy-user)[\s"',]+[^\s:"']*:)[^\s"',\]]+"""
)
# a secret flag and its value as two words: `--cookie-secret VALUE`, `"--client-secret", "VALUE"`
_FLAG_THEN_VALUE = re.compile(
    rf"""((?:^|[\s"',\[])--?[\w.\-]*(?:{_KEYWORDS})[\w.\-]*["']?(?:[ \t]*,)?[ \t]+["']?)"""
    r"""(?![-\s"'\]])[^\s"',\]]+""",
    re.IGNORECASE,
)
# the flag alone at the end of a line: its value is the next line (a YAML list of words)
_FLAG_ALONE = re.compile(
    rf"""^\s*(?:-\s+)?["']?--?[\w.\-]*(?:{_KEYWORDS})[\w.\-]*["']?\s*$""", re.IGNORECASE
)
# an htpasswd line (user:hash) and the user-and-hash lines of a Caddy basic_auth block
_HTPASSWD = re.compile(r"^(\s*[^\s:#]+:)(?:\$[\w.]+\$|\{SHA\}|\{SSHA\})\S*$")
_BASIC_AUTH_BLOCK = re.compile(r"^\s*basic_?auth\b[^{}#]*\{\s*(?:#.*)?$", re.IGNORECASE)
_SCHEME_TOKEN = re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9+/=._~\-]{6,}", re.IGNORECASE)
_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*-----")
_END = re.compile(r"-----END [A-Z0-9 ]*-----")
_SECRET_BLOCKS = ("basic_auth_users",)  # YAML mappings whose every value is a password


# the line a parser stopped at may be a secret in a syntax nothing else recognises
_ANY_TEXT_RULES = frozenset(("PG001",))


def is_secret_rule(rule) -> bool:
    if rule is None:
        return True  # a rule promguard does not know: its line may hold anything
    if getattr(rule, "id", None) in _ANY_TEXT_RULES:
        return True
    tags = tuple(getattr(rule, "tags", ()) or ())
    return tags[:1] == ("secrets",) or bool(SECRET_CWES & set(getattr(rule, "cwe", ()) or ()))


def mask_line(text: str, secret_line: bool = False) -> str:
    """The line with the values of secret-looking keys, URL passwords and bearer tokens
    replaced; on a line a secret rule points at, the value of any key (or the whole line)."""
    if secret_line and not _USERINFO.search(text):  # in a URL, the password is the secret
        match = _ANY_KEY.match(text)
        if match:
            return match.group("key") + MASK
        stripped = text.strip()
        if stripped and stripped not in ("-", "|", ">") and not stripped.endswith(":"):
            return text[: len(text) - len(text.lstrip())] + MASK
    text = mask_message(text)
    text = _FLAG_THEN_VALUE.sub(lambda m: m.group(1) + MASK, text)
    text = _HTPASSWD.sub(lambda m: m.group(1) + MASK, text)
    text = _DOCKER_ENV.sub(lambda m: m.group(1) + MASK, text)

    def key_value(match):
        if match.group("value") is None or _NOT_SECRET.search(match.group("key")):
            return match.group(0)
        value = match.group("value")
        if value in ("|", ">", "|-", ">-", "{", "[") or value.startswith("#"):
            return match.group(0)  # a block follows, or nothing: the lines below are judged
        return match.group("key") + match.group("sep") + MASK

    return _SECRET_KEY.sub(key_value, text)


def mask_message(text: str) -> str:
    """A finding's message, fix or related note with the credentials it may quote masked:
    URL passwords (with or without the scheme), `-u user:pass` and bearer or basic tokens.
    The one masking every output shares; excerpts add the line-level rules of mask_line."""
    # each pattern only where its text can be: every finding of a scan passes through here
    if "@" in text:
        text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
        text = _BARE_USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    if ":" in text and "-" in text:
        text = _USER_FLAG.sub(lambda m: m.group(1) + MASK, text)
    lowered = text.lower()
    if "bearer" in lowered or "basic" in lowered or "token" in lowered:
        text = _SCHEME_TOKEN.sub(lambda m: m.group(1) + " " + MASK, text)
    return text


def mask_lines(lines: list[str], secret: set[int] = frozenset()) -> list[str]:
    """Every line of a file, masked; ``secret``: 1-based numbers of lines a secret rule
    points at. Private key blocks are masked from BEGIN to END (to the end of the file when
    the END is missing); the values under basic_auth_users too."""
    out = []
    in_key = False
    block_indent: int | None = None  # inside a mapping of passwords, its key's indentation
    in_caddy_auth = False  # inside a Caddy basic_auth block: every line is a user and a hash
    value_next = False  # the line before was a secret flag alone: this one is its value
    for number, line in enumerate(lines, 1):
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if block_indent is not None and stripped and not stripped.startswith("#"):
            if indent <= block_indent:
                block_indent = None
        if in_key:
            end = _END.search(line)
            if end:
                in_key = False
                before = line[indent : end.start()]
                out.append(line[:indent] + MASK + line[end.start() :] if before.strip() else line)
            else:
                out.append(line[:indent] + MASK if stripped else line)
            continue
        begin = _BEGIN.search(line)
        if begin:
            rest = line[begin.end() :]
            end = _END.search(rest)
            if end is None:
                in_key = True
            head = mask_line(line[: begin.start()])
            out.append(head + begin.group(0) + (MASK if rest.strip() else ""))
            continue
        if block_indent is not None and stripped and not stripped.startswith("#"):
            out.append(mask_line(line, secret_line=True))
            continue
        if in_caddy_auth:
            if stripped.startswith("}"):
                in_caddy_auth = False
            elif stripped and not stripped.startswith("#"):
                words = line.split()
                out.append(line[:indent] + words[0] + " " + MASK if len(words) > 1 else line)
                continue
        if value_next and stripped and not stripped.startswith("#"):
            value_next = False
            if not stripped.lstrip("- ").startswith("-"):
                dash = "- " if stripped.startswith("- ") else ""
                out.append(line[:indent] + dash + MASK)
                continue
        if _BASIC_AUTH_BLOCK.match(line):
            in_caddy_auth = True
        value_next = bool(_FLAG_ALONE.match(line))
        key = stripped.split(":", 1)[0].strip("\"'")
        if key in _SECRET_BLOCKS and stripped.endswith(":"):
            block_indent = indent
        out.append(mask_line(line, secret_line=number in secret))
    return out
