"""Schema of prometheus/common's HTTP client configuration (config/http_config.go,
config/headers.go, v0.70.1) and prometheus/sigv4's SigV4Config (v0.4.1): the same structs in
prometheus.yml (scrape jobs, remote write, service discovery) and alertmanager.yml (http_config).

``http_client_schema(since)`` builds the pieces; ``since`` maps a secret's key to the release of
the calling program that first accepted its ``*_file`` twin, so a fix can name it.
"""

from __future__ import annotations

from .schema import ANY, SCALAR, MapOf, Secret


class HttpClientSchema:
    __slots__ = (
        "tls_config",
        "proxy",
        "basic_auth",
        "authorization",
        "oauth2",
        "http_headers",
        "http_client",
        "sigv4",
    )


def http_client_schema(since: dict[str, str] | None = None) -> HttpClientSchema:
    since = since or {}

    def secret(key: str, twin: str | None) -> Secret:
        return Secret(twin=twin, since=since.get(key) if twin else None)

    s = HttpClientSchema()
    # TLSConfig: ca and cert are inline PEM text but not secret; key is.
    s.tls_config = {
        "ca": SCALAR,
        "cert": SCALAR,
        "key": secret("key", "key_file"),
        "ca_file": SCALAR,
        "cert_file": SCALAR,
        "key_file": SCALAR,
        "ca_ref": SCALAR,
        "cert_ref": SCALAR,
        "key_ref": SCALAR,
        "server_name": SCALAR,
        "insecure_skip_verify": SCALAR,
        "min_version": SCALAR,
        "max_version": SCALAR,
    }
    # ProxyConfig, inlined into the HTTP client config and into OAuth2. ProxyHeader is
    # map[string][]Secret: every value is secret and there is no file form.
    s.proxy = {
        "proxy_url": SCALAR,
        "no_proxy": SCALAR,
        "proxy_from_environment": SCALAR,
        "proxy_connect_header": MapOf([Secret(twin=None)]),
    }
    s.basic_auth = {
        "username": SCALAR,
        "username_file": SCALAR,
        "username_ref": SCALAR,
        "password": secret("password", "password_file"),
        "password_file": SCALAR,
        "password_ref": SCALAR,
    }
    s.authorization = {
        "type": SCALAR,
        "credentials": secret("credentials", "credentials_file"),
        "credentials_file": SCALAR,
        "credentials_ref": SCALAR,
    }
    s.oauth2 = {
        "client_id": SCALAR,
        "client_secret": secret("client_secret", "client_secret_file"),
        "client_secret_file": SCALAR,
        "client_secret_ref": SCALAR,
        "client_certificate_key_id": SCALAR,
        "client_certificate_key": secret("client_certificate_key", "client_certificate_key_file"),
        "client_certificate_key_file": SCALAR,
        "client_certificate_key_ref": SCALAR,
        "grant_type": SCALAR,
        "signature_algorithm": SCALAR,
        "iss": SCALAR,
        "audience": SCALAR,
        "claims": ANY,  # map[string]any: free-form JWT claims
        "scopes": [SCALAR],
        "token_url": SCALAR,
        "endpoint_params": MapOf(SCALAR),
        "tls_config": s.tls_config,
        **s.proxy,
    }
    # Headers: header name -> {values, secrets, files}; ``files`` is the file form of
    # ``secrets``. Reserved names (Authorization ...) are refused by validation, not the YAML.
    s.http_headers = MapOf(
        {"values": [SCALAR], "secrets": [secret("secrets", "files")], "files": [SCALAR]}
    )
    s.http_client = {
        "basic_auth": s.basic_auth,
        "authorization": s.authorization,
        "oauth2": s.oauth2,
        "bearer_token": secret("bearer_token", "bearer_token_file"),
        "bearer_token_file": SCALAR,
        "tls_config": s.tls_config,
        "follow_redirects": SCALAR,
        "enable_http2": SCALAR,
        "http_headers": s.http_headers,
        **s.proxy,
    }
    s.sigv4 = {
        "region": SCALAR,
        "access_key": SCALAR,
        "secret_key": Secret(twin=None),
        "profile": SCALAR,
        "role_arn": SCALAR,
        "external_id": SCALAR,
        "use_fips_sts_endpoint": SCALAR,
        "service_name": SCALAR,
    }
    return s
