"""Names and values that hold credentials: which environment variables and flags say they carry a
secret, and which values are placeholders rather than secrets."""

from __future__ import annotations

import re

from ..lazy_regex import lazy

SECRET_NAME = lazy(
    r"(^|_)(PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_?KEY|ACCESS_KEY|SECRET_KEY|PRIVATE_KEY|"
    r"SERVICE_KEY|ROUTING_KEY|AUTH_KEY|CREDENTIALS?|CLIENT_SECRET|WEBHOOK_URL)(_|$)",
    re.IGNORECASE,
)
# Names of identifiers next to secrets: AWS_ACCESS_KEY_ID and MINIO_ACCESS_KEY name a key, the
# secret is AWS_SECRET_ACCESS_KEY / MINIO_SECRET_KEY.
_NOT_A_SECRET_NAME = lazy(
    r"(_FILE|_PATH|_DIR|_LENGTH|_ENABLED|_HEADER|_NAME|_USER|_ID|^MINIO_ACCESS_KEY)$"
    r"|(^|_)(PATH|FILE|DIR)_",  # PATH_TO_PRIVATE_KEY, KEY_FILE_NAME: where a key is, not the key
    re.I,
)
# Programs with rules of their own for their settings (GRF02, O2P02).
OWN_RULES_PREFIXES = ("GF_", "OAUTH2_PROXY_")
# Values that hold no credential at all: an on/off switch, nothing.
_NOT_A_VALUE = lazy(r"^(|true|false|yes|no|none|null|0|1)$", re.I)
# Values that stand for a credential still to be written in (a template, a tutorial's
# "your-password"). Known defaults (admin, changeme, password, prom-operator) are not: they are
# the first credentials anyone tries.
_FILL_IN = lazy(
    r"^(?:<[^<>]+>|\{\{[^{}]*\}\}|\{[^{}]+\}|\[[^\[\]]+\]|[xX*#.]{3,}"
    r"|(?:your|enter|insert|put)[-_ .]?\S*"
    r"|\S*(?:to[-_]?replace|replace[-_]?(?:me|this|with\S*))"
    r"|\S*[-_ ]here)$",
    re.I,
)
_MY_CAMEL = lazy(r"^My[A-Z][A-Za-z]*(?:Token|Password|Secret|Key|Pass)$")
# A name in capitals that says what goes there (TELEGRAM_TOKEN: BOT_TOKEN, API_KEY, DB_PASSWORD).
_CAPS_NAME = lazy(r"^[A-Z]+(?:_[A-Z]+)*_(?:TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASS|APIKEY)$")


def secret_name(name: str) -> bool:
    """A variable or flag name that says it holds a credential."""
    return bool(SECRET_NAME.search(name)) and not _NOT_A_SECRET_NAME.search(name)


def looks_secret(name: str, value: str) -> bool:
    """An environment variable or flag that holds a credential, written as a literal (a
    placeholder too: see ``placeholder``)."""
    if not secret_name(name):
        return False
    value = value.strip()
    return not _NOT_A_VALUE.match(value) and not value.startswith(("/run/secrets/", "/"))


def placeholder(value: str) -> bool:
    """A value that stands for a secret still to be filled in: `<api-token>`, `{{ token }}`,
    `xxxx`, `your-password`, `YOUR_TOKEN`, `PASSWORD_TO_REPLACE`, `MyCloudflareApiToken`, or a
    URL whose path says what goes there (`.../YOUR/SLACK/WEBHOOK_URL`, `.../<webhook-id>`)."""
    value = value.strip()
    if not value:
        return False
    if _FILL_IN.match(value) or _MY_CAMEL.match(value) or _CAPS_NAME.match(value):
        return True
    if "://" not in value:
        return False
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if parts.password and not placeholder(parts.password):
        return False
    segments = [s for s in parts.path.split("/") if s]
    marked = any(_FILL_IN.match(s) or s.upper().startswith("YOUR") for s in segments)
    # a segment a real secret could be: long, with digits, and not a placeholder itself
    real = any(
        len(s) >= 8 and any(c.isdigit() for c in s) and not _FILL_IN.match(s) for s in segments
    )
    return (marked or (parts.password is not None and placeholder(parts.password))) and not real
