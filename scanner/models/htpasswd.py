"""htpasswd entries (Traefik's basicAuth users, nginx auth_basic_user_file): which scheme
hashes the password, and whether it is a default password anyone would try first.

Only the schemes that cost nothing to check are checked (Apache's MD5 and SHA1, both fast
hashes, which is also why they are weak); bcrypt is left alone.
"""

from __future__ import annotations

import base64
import hashlib

# What people try first, and what tutorials ship.
DEFAULT_PASSWORDS = (
    "admin",
    "password",
    "changeme",
    "prom-operator",
    "traefik",
    "test",
    "secret",
    "admin123",
    "123456",
    "pass",
)
_ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def scheme(hashed: str) -> str:
    """ "bcrypt", "md5" ($apr1$), "sha1" ({SHA}), "sha256/512 crypt" or "plain text"."""
    if hashed.startswith(("$2y$", "$2a$", "$2b$")):
        return "bcrypt"
    if hashed.startswith("$apr1$") or hashed.startswith("$1$"):
        return "md5"
    if hashed.startswith("{SHA}"):
        return "sha1"
    if hashed.startswith(("$5$", "$6$")):
        return "sha-crypt"
    return "plain text"


def default_password(hashed: str) -> str | None:
    """The default password the hash is of, when it is one (MD5 and SHA1 hashes only)."""
    kind = scheme(hashed)
    for password in DEFAULT_PASSWORDS:
        if kind == "md5" and _md5_crypt(password, hashed) == hashed:
            return password
        if kind == "sha1" and _sha1(password) == hashed:
            return password
    return None


def _sha1(password: str) -> str:
    return "{SHA}" + base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()


def _md5_crypt(password: str, hashed: str) -> str:
    """Apache's apr1 (and the $1$ md5crypt it is made from), as htpasswd -m computes it."""
    magic = "$apr1$" if hashed.startswith("$apr1$") else "$1$"
    salt = hashed[len(magic) :].split("$", 1)[0][:8]
    pw, sb, mb = password.encode(), salt.encode(), magic.encode()
    final = hashlib.md5(pw + sb + pw).digest()
    ctx = pw + mb + sb
    for left in range(len(pw), 0, -16):
        ctx += final[: min(16, left)]
    bits = len(pw)
    while bits:
        ctx += b"\0" if bits & 1 else pw[:1]
        bits >>= 1
    final = hashlib.md5(ctx).digest()
    for i in range(1000):
        step = (pw if i & 1 else final) + (sb if i % 3 else b"") + (pw if i % 7 else b"")
        final = hashlib.md5(step + (final if i & 1 else pw)).digest()
    groups = ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5))
    out = "".join(_to64((final[a] << 16) | (final[b] << 8) | final[c], 4) for a, b, c in groups)
    return f"{magic}{salt}${out}{_to64(final[11], 2)}"


def _to64(value: int, count: int) -> str:
    chars = []
    for _ in range(count):
        chars.append(_ITOA64[value & 0x3F])
        value >>= 6
    return "".join(chars)
