"""Variable interpolation as docker compose does it, and .env files.

Values come from the ``.env`` file beside the compose file, never from the scanner's own
environment: a scan must give the same answer on every machine. Where a value came from matters
to the secret rules: text written in the compose file (a literal, or the default of
``${VAR:-default}``) is hard-coded there; a value from ``.env`` lives in that file; an unset
variable is nobody's secret.
"""

from __future__ import annotations

import re

LITERAL = "literal"  # every character written in the compose file itself
ENV_FILE = "env-file"  # at least one part came from .env
UNSET = "unset"  # at least one variable had no value and no default

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Interpolated:
    __slots__ = ("value", "source", "variables")

    def __init__(self, value: str, source: str, variables: list[str]):
        self.value = value
        self.source = source
        self.variables = variables


def interpolate(text: str, env: dict[str, str]) -> Interpolated:
    """``text`` with ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err},
    ${VAR:+alt}, ${VAR+alt}, $VAR and $$ resolved against ``env``. Never raises: a malformed
    reference is kept as written, as a person reading the file would see it."""
    if "$" not in text:
        return Interpolated(text, LITERAL, [])
    state = {"source": LITERAL}
    variables: list[str] = []
    value = _expand(text, env, state, variables, 0)
    return Interpolated(value, state["source"], variables)


def _mark(state: dict, source: str) -> None:
    if source == UNSET or state["source"] == LITERAL:
        state["source"] = source


def _expand(text: str, env: dict[str, str], state: dict, variables: list, depth: int) -> str:
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c != "$" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt == "{":
            end = _closing_brace(text, i + 2)
            if end < 0 or depth > 10:
                out.append(text[i:])
                break
            out.append(_braced(text[i + 2 : end], env, state, variables, depth))
            i = end + 1
            continue
        match = _NAME.match(text, i + 1)
        if match is None:
            out.append(c)
            i += 1
            continue
        name = match.group(0)
        variables.append(name)
        if name in env:
            _mark(state, ENV_FILE)
            out.append(env[name])
        else:
            _mark(state, UNSET)
        i = match.end()
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    i = start
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _braced(body: str, env: dict[str, str], state: dict, variables: list, depth: int) -> str:
    match = _NAME.match(body)
    if match is None:
        return "${" + body + "}"
    name = match.group(0)
    rest = body[match.end() :]
    variables.append(name)
    value = env.get(name)
    is_set = value is not None
    non_empty = bool(value)
    for op in (":-", "-", ":?", "?", ":+", "+"):
        if rest.startswith(op):
            word = rest[len(op) :]
            break
    else:
        op, word = "", ""
        if rest:
            return "${" + body + "}"
    use_default = (op == ":-" and not non_empty) or (op == "-" and not is_set)
    use_alt = (op == ":+" and non_empty) or (op == "+" and is_set)
    if use_default or use_alt:
        return _expand(word, env, state, variables, depth + 1)  # written in the file: literal
    if op in (":+", "+"):
        return ""
    if is_set:
        _mark(state, ENV_FILE)
        return value
    _mark(state, UNSET)  # ${VAR:?err} would stop compose; either way no value is known
    return ""


def parse_env_file(text: str) -> dict[str, tuple[str, int]]:
    """KEY=VALUE lines of a .env file as compose reads them, with each value's line number."""
    values: dict[str, tuple[str, int]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not _NAME.fullmatch(key):
            continue
        value = value.strip()
        if value[:1] in ("'", '"'):
            quote = value[0]
            end = value.find(quote, 1)
            value = value[1:end] if end > 0 else value[1:]
        else:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = (value, number)
    return values
