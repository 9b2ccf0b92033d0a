"""The shape of the exporter-toolkit web configuration file (``--web.config.file``).

Read with yaml ``UnmarshalStrict`` by prometheus/exporter-toolkit web/tls_config.go (``Config``,
``TLSConfig``, ``HTTPConfig``, ``RateLimiterConfig``; checked at v0.17.1 and master 19a7c2d), so
an unknown key stops the server. Keys by exporter-toolkit release: the file format itself
v0.5.0; ``headers`` v0.7.0; ``client_allowed_sans`` v0.10.0; inline ``cert``, ``key`` and
``client_ca`` v0.11.0; ``rate_limit`` v0.15.0.

``since`` is left empty: this file is read by many programs (Prometheus, Alertmanager, the
exporters), each vendoring its own exporter-toolkit, and ``key_file`` has been accepted since the
first release of the format, so the file form is always available.
"""

from __future__ import annotations

from .schema import SCALAR, MapOf, Secret

TLS_SERVER_CONFIG = {
    "cert": SCALAR,
    "key": Secret(twin="key_file"),
    "client_ca": SCALAR,
    "cert_file": SCALAR,
    "key_file": SCALAR,
    "client_auth_type": SCALAR,
    "client_ca_file": SCALAR,
    "cipher_suites": [SCALAR],
    "curve_preferences": [SCALAR],
    "min_version": SCALAR,
    "max_version": SCALAR,
    "prefer_server_cipher_suites": SCALAR,
    "client_allowed_sans": [SCALAR],
}

# http_server_config.headers is a map[string]string, but validateHeaderConfig (web/handler.go)
# refuses any name not in extraHTTPHeaders, matched case-sensitively:
#   Strict-Transport-Security   (any value)
#   X-Content-Type-Options      (only "nosniff")
#   X-Frame-Options             (only "deny" or "sameorigin")
#   X-XSS-Protection            (any value)
#   Content-Security-Policy     (any value)
# so a fixed mapping models it exactly; the allowed values are not checked here.
HTTP_SERVER_CONFIG = {
    "http2": SCALAR,
    "headers": {
        "Strict-Transport-Security": SCALAR,
        "X-Content-Type-Options": SCALAR,
        "X-Frame-Options": SCALAR,
        "X-XSS-Protection": SCALAR,
        "Content-Security-Policy": SCALAR,
    },
}

WEB_CONFIG = {
    "tls_server_config": TLS_SERVER_CONFIG,
    "http_server_config": HTTP_SERVER_CONFIG,
    "rate_limit": {"interval": SCALAR, "burst": SCALAR},
    # user name -> bcrypt hash; a config_util.Secret in Go, with no file form
    "basic_auth_users": MapOf(Secret(twin=None)),
}
