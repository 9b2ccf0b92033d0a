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
    r"(_FILE|_PATH|_DIR|_LENGTH|_ENABLED|_HEADER|_NAME|_USER|_ID|^MINIO_ACCESS_KEY)$", re.I
)
# Programs with rules of their own for their settings (GRF02, O2P02).
OWN_RULES_PREFIXES = ("GF_", "OAUTH2_PROXY_")
_PLACEHOLDER = lazy(r"^(|true|false|yes|no|none|null|0|1|\*+|x+|<[^>]*>)$", re.I)


def secret_name(name: str) -> bool:
    """A variable or flag name that says it holds a credential."""
    return bool(SECRET_NAME.search(name)) and not _NOT_A_SECRET_NAME.search(name)


def looks_secret(name: str, value: str) -> bool:
    """An environment variable or flag that holds a credential, written as a literal."""
    if not secret_name(name):
        return False
    value = value.strip()
    return not _PLACEHOLDER.match(value) and not value.startswith(("/run/secrets/", "/"))
