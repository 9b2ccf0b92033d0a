"""Schema of prometheus.yml (the file given to ``prometheus --config.file``).

Written from the Go struct yaml tags, which Prometheus decodes with ``yaml.UnmarshalStrict``:

- prometheus/prometheus ``config/config.go``, ``model/relabel/relabel.go``,
  ``discovery/**`` (every registered ``SDConfig``), ``storage/remote/azuread``,
  ``storage/remote/googleiam`` (at d15adb9ad7e5, Prometheus 3.x main);
- prometheus/common ``config/http_config.go``, ``config/headers.go``, ``config/config.go``
  (v0.70.1, the version that Prometheus commit pins);
- prometheus/sigv4 ``sigv4_config.go`` (v0.4.1).

Structs that Go inlines (``yaml:",inline"``) are merged here with ``**``: the HTTP client config
is inline in a scrape config, an Alertmanager config, remote write/read and most SD configs, and
the proxy config is inline in both the HTTP client config and OAuth2. The service-discovery
configs are inlined by ``discovery.UnmarshalYAMLWithInlineConfigs`` as ``<name>_sd_configs`` keys
(plus ``static_configs``) into scrape configs and Alertmanager configs.

A field is ``Secret`` exactly where its Go type is ``config.Secret`` (or ``[]Secret``).
"""

from __future__ import annotations

from .http_client_schema import http_client_schema
from .schema import SCALAR, MapOf, Secret

__all__ = ["PROMETHEUS"]

# --------------------------------------------------------------------------------------------
# prometheus/common config (http_config.go, headers.go, config.go)
# --------------------------------------------------------------------------------------------

_HTTP = http_client_schema()
TLS_CONFIG = _HTTP.tls_config
BASIC_AUTH = _HTTP.basic_auth
HTTP_CLIENT_CONFIG = _HTTP.http_client

# --------------------------------------------------------------------------------------------
# prometheus/prometheus model/relabel, prometheus/sigv4, storage/remote/{azuread,googleiam}
# --------------------------------------------------------------------------------------------

RELABEL_CONFIG = {
    "source_labels": [SCALAR],
    "separator": SCALAR,
    "regex": SCALAR,
    "modulus": SCALAR,
    "target_label": SCALAR,
    "replacement": SCALAR,
    "action": SCALAR,
}

SIGV4_CONFIG = _HTTP.sigv4

AZUREAD_CONFIG = {
    "managed_identity": {"client_id": SCALAR},
    "workload_identity": {"client_id": SCALAR, "tenant_id": SCALAR, "token_file_path": SCALAR},
    "oauth": {"client_id": SCALAR, "client_secret": Secret(twin=None), "tenant_id": SCALAR},
    "sdk": {"tenant_id": SCALAR},
    "certificate": {
        "client_id": SCALAR,
        "tenant_id": SCALAR,
        "certificate_path": SCALAR,
        "certificate_key_path": SCALAR,
        "certificate_password": Secret(twin=None),
        "send_certificate_chain": SCALAR,
    },
    "cloud": SCALAR,
    "scope": SCALAR,
}

GOOGLE_IAM_CONFIG = {"credentials_file": SCALAR}

# --------------------------------------------------------------------------------------------
# Service discovery (discovery/*). Every registered Config becomes `<Name()>_sd_configs`.
# --------------------------------------------------------------------------------------------

# targetgroup.Group unmarshals through an anonymous struct {targets, labels}.
STATIC_CONFIG = {
    "targets": [SCALAR],
    "labels": MapOf(SCALAR),
}

AWS_FILTER = {"name": SCALAR, "values": [SCALAR]}

# Fields shared by the AWS SD configs (ec2, ecs, elasticache, lightsail, msk, rds, aws).
_AWS_COMMON = {
    "region": SCALAR,
    "endpoint": SCALAR,
    "access_key": SCALAR,
    "secret_key": Secret(twin=None),
    "profile": SCALAR,
    "role_arn": SCALAR,
    "external_id": SCALAR,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    **HTTP_CLIENT_CONFIG,
}

# aws_sd_configs: one config with a role (ec2, ecs, elasticache, lightsail, msk, rds); the
# embedded per-role configs are `yaml:"-"`.
AWS_SD_CONFIG = {
    "role": SCALAR,
    **_AWS_COMMON,
    "filters": [AWS_FILTER],
    "clusters": [SCALAR],
}

EC2_SD_CONFIG = {**_AWS_COMMON, "filters": [AWS_FILTER]}

ECS_SD_CONFIG = {**_AWS_COMMON, "clusters": [SCALAR], "request_concurrency": SCALAR}

ELASTICACHE_SD_CONFIG = {**_AWS_COMMON, "clusters": [SCALAR], "request_concurrency": SCALAR}

LIGHTSAIL_SD_CONFIG = dict(_AWS_COMMON)

MSK_SD_CONFIG = {**_AWS_COMMON, "clusters": [SCALAR], "request_concurrency": SCALAR}

RDS_SD_CONFIG = {
    **_AWS_COMMON,
    "clusters": [SCALAR],
    "filters": [AWS_FILTER],
    "request_concurrency": SCALAR,
}

AZURE_SD_CONFIG = {
    "environment": SCALAR,
    "port": SCALAR,
    "subscription_id": SCALAR,
    "tenant_id": SCALAR,
    "client_id": SCALAR,
    "client_secret": Secret(twin=None),
    "refresh_interval": SCALAR,
    "authentication_method": SCALAR,
    "resource_group": SCALAR,
    **HTTP_CLIENT_CONFIG,
}

CONSUL_SD_CONFIG = {
    "server": SCALAR,
    "path_prefix": SCALAR,
    "token": Secret(twin=None),
    "datacenter": SCALAR,
    "namespace": SCALAR,
    "partition": SCALAR,
    "tag_separator": SCALAR,
    "scheme": SCALAR,
    "username": SCALAR,
    "password": Secret(twin=None),
    "allow_stale": SCALAR,
    "refresh_interval": SCALAR,
    "services": [SCALAR],
    "tags": [SCALAR],
    "node_meta": MapOf(SCALAR),
    "filter": SCALAR,
    "health_filter": SCALAR,
    **HTTP_CLIENT_CONFIG,
}

DIGITALOCEAN_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    "role": SCALAR,
}

DNS_SD_CONFIG = {
    "names": [SCALAR],
    "refresh_interval": SCALAR,
    "type": SCALAR,
    "port": SCALAR,
}

DOCKER_FILTER = {"name": SCALAR, "values": [SCALAR]}

DOCKER_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "host": SCALAR,
    "port": SCALAR,
    "filters": [DOCKER_FILTER],
    "host_networking_host": SCALAR,
    "refresh_interval": SCALAR,
    "match_first_network": SCALAR,
}

DOCKERSWARM_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "host": SCALAR,
    "role": SCALAR,
    "port": SCALAR,
    "filters": [DOCKER_FILTER],
    "refresh_interval": SCALAR,
}

EUREKA_SD_CONFIG = {
    "server": SCALAR,
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
}

FILE_SD_CONFIG = {
    "files": [SCALAR],
    "refresh_interval": SCALAR,
}

GCE_SD_CONFIG = {
    "project": SCALAR,
    "zone": SCALAR,
    "filter": SCALAR,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    "tag_separator": SCALAR,
}

HETZNER_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    "role": SCALAR,
    "label_selector": SCALAR,
}

HTTP_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "url": SCALAR,
}

IONOS_SD_CONFIG = {
    "datacenter_id": SCALAR,
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "port": SCALAR,
}

KUBERNETES_SD_CONFIG = {
    "api_server": SCALAR,
    "role": SCALAR,
    "kubeconfig_file": SCALAR,
    **HTTP_CLIENT_CONFIG,
    "namespaces": {"own_namespace": SCALAR, "names": [SCALAR]},
    "selectors": [{"role": SCALAR, "label": SCALAR, "field": SCALAR}],
    # AttachMetadataConfig with PodMetadataConfig inline.
    "attach_metadata": {
        "node": SCALAR,
        "namespace": SCALAR,
        "deployment": SCALAR,
        "job": SCALAR,
        "cronjob": SCALAR,
    },
}

# xds.SDConfig (KumaSDConfig is an alias of it).
KUMA_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "fetch_timeout": SCALAR,
    "server": SCALAR,
    "client_id": SCALAR,
}

LINODE_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    "tag_separator": SCALAR,
    "region": SCALAR,
}

MARATHON_SD_CONFIG = {
    "servers": [SCALAR],
    "refresh_interval": SCALAR,
    "auth_token": Secret(twin="auth_token_file"),
    "auth_token_file": SCALAR,
    **HTTP_CLIENT_CONFIG,
}

NOMAD_SD_CONFIG = {
    "allow_stale": SCALAR,
    **HTTP_CLIENT_CONFIG,
    "namespace": SCALAR,
    "refresh_interval": SCALAR,
    "region": SCALAR,
    "server": SCALAR,
    "tag_separator": SCALAR,
}

OCI_SD_CONFIG = {
    "auth": SCALAR,
    "tenancy": SCALAR,
    "user": SCALAR,
    "fingerprint": SCALAR,
    "key_file": SCALAR,
    "key_passphrase": Secret(twin="key_passphrase_file"),
    "key_passphrase_file": SCALAR,
    "region": SCALAR,
    "compartments": [SCALAR],
    **HTTP_CLIENT_CONFIG,
    "port": SCALAR,
    "refresh_interval": SCALAR,
}

OPENSTACK_SD_CONFIG = {
    "identity_endpoint": SCALAR,
    "username": SCALAR,
    "userid": SCALAR,
    "password": Secret(twin=None),
    "project_name": SCALAR,
    "project_id": SCALAR,
    "domain_name": SCALAR,
    "domain_id": SCALAR,
    "application_credential_name": SCALAR,
    "application_credential_id": SCALAR,
    "application_credential_secret": Secret(twin=None),
    "role": SCALAR,
    "region": SCALAR,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    "all_tenants": SCALAR,
    "tls_config": TLS_CONFIG,
    "availability": SCALAR,
}

OUTSCALE_SD_CONFIG = {
    "endpoint": SCALAR,
    "region": SCALAR,
    "access_key": SCALAR,
    "secret_key": Secret(twin="secret_key_file"),
    "secret_key_file": SCALAR,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    **HTTP_CLIENT_CONFIG,
}

OVHCLOUD_SD_CONFIG = {
    "endpoint": SCALAR,
    "application_key": SCALAR,
    "application_secret": Secret(twin=None),
    "consumer_key": Secret(twin=None),
    "refresh_interval": SCALAR,
    "service": SCALAR,
}

PUPPETDB_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "url": SCALAR,
    "query": SCALAR,
    "include_parameters": SCALAR,
    "port": SCALAR,
}

SCALEWAY_SD_CONFIG = {
    "project_id": SCALAR,
    "api_url": SCALAR,
    "zone": SCALAR,
    "access_key": SCALAR,
    "secret_key": Secret(twin="secret_key_file"),
    "secret_key_file": SCALAR,
    "name_filter": SCALAR,
    "tags_filter": [SCALAR],
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    "role": SCALAR,
}

# zookeeper ServersetSDConfig and NerveSDConfig have the same fields.
SERVERSET_SD_CONFIG = {
    "servers": [SCALAR],
    "paths": [SCALAR],
    "timeout": SCALAR,
}

NERVE_SD_CONFIG = dict(SERVERSET_SD_CONFIG)

STACKIT_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "project": SCALAR,
    "refresh_interval": SCALAR,
    "port": SCALAR,
    "region": SCALAR,
    "endpoint": SCALAR,
    "service_account_key": Secret(twin="service_account_key_path"),
    "private_key": Secret(twin="private_key_path"),
    "service_account_key_path": SCALAR,
    "private_key_path": SCALAR,
    "credentials_file_path": SCALAR,
}

TRITON_SD_CONFIG = {
    "account": SCALAR,
    "role": SCALAR,
    "dns_suffix": SCALAR,
    "endpoint": SCALAR,
    "groups": [SCALAR],
    "port": SCALAR,
    "refresh_interval": SCALAR,
    "tls_config": TLS_CONFIG,
    "version": SCALAR,
}

UYUNI_SD_CONFIG = {
    "server": SCALAR,
    "username": SCALAR,
    "password": Secret(twin=None),
    **HTTP_CLIENT_CONFIG,
    "entitlement": SCALAR,
    "separator": SCALAR,
    "refresh_interval": SCALAR,
}

VULTR_SD_CONFIG = {
    **HTTP_CLIENT_CONFIG,
    "refresh_interval": SCALAR,
    "port": SCALAR,
}

# Every key discovery.UnmarshalYAMLWithInlineConfigs adds to the struct it decodes.
SD_CONFIGS = {
    "static_configs": [STATIC_CONFIG],
    "aws_sd_configs": [AWS_SD_CONFIG],
    "azure_sd_configs": [AZURE_SD_CONFIG],
    "consul_sd_configs": [CONSUL_SD_CONFIG],
    "digitalocean_sd_configs": [DIGITALOCEAN_SD_CONFIG],
    "dns_sd_configs": [DNS_SD_CONFIG],
    "docker_sd_configs": [DOCKER_SD_CONFIG],
    "dockerswarm_sd_configs": [DOCKERSWARM_SD_CONFIG],
    "ec2_sd_configs": [EC2_SD_CONFIG],
    "ecs_sd_configs": [ECS_SD_CONFIG],
    "elasticache_sd_configs": [ELASTICACHE_SD_CONFIG],
    "eureka_sd_configs": [EUREKA_SD_CONFIG],
    "file_sd_configs": [FILE_SD_CONFIG],
    "gce_sd_configs": [GCE_SD_CONFIG],
    "hetzner_sd_configs": [HETZNER_SD_CONFIG],
    "http_sd_configs": [HTTP_SD_CONFIG],
    "ionos_sd_configs": [IONOS_SD_CONFIG],
    "kubernetes_sd_configs": [KUBERNETES_SD_CONFIG],
    "kuma_sd_configs": [KUMA_SD_CONFIG],
    "lightsail_sd_configs": [LIGHTSAIL_SD_CONFIG],
    "linode_sd_configs": [LINODE_SD_CONFIG],
    "marathon_sd_configs": [MARATHON_SD_CONFIG],
    "msk_sd_configs": [MSK_SD_CONFIG],
    "nerve_sd_configs": [NERVE_SD_CONFIG],
    "nomad_sd_configs": [NOMAD_SD_CONFIG],
    "oci_sd_configs": [OCI_SD_CONFIG],
    "openstack_sd_configs": [OPENSTACK_SD_CONFIG],
    "outscale_sd_configs": [OUTSCALE_SD_CONFIG],
    "ovhcloud_sd_configs": [OVHCLOUD_SD_CONFIG],
    "puppetdb_sd_configs": [PUPPETDB_SD_CONFIG],
    "rds_sd_configs": [RDS_SD_CONFIG],
    "scaleway_sd_configs": [SCALEWAY_SD_CONFIG],
    "serverset_sd_configs": [SERVERSET_SD_CONFIG],
    "stackit_sd_configs": [STACKIT_SD_CONFIG],
    "triton_sd_configs": [TRITON_SD_CONFIG],
    "uyuni_sd_configs": [UYUNI_SD_CONFIG],
    "vultr_sd_configs": [VULTR_SD_CONFIG],
}

# --------------------------------------------------------------------------------------------
# config/config.go
# --------------------------------------------------------------------------------------------

GLOBAL_CONFIG = {
    "scrape_interval": SCALAR,
    "scrape_timeout": SCALAR,
    "scrape_protocols": [SCALAR],
    "evaluation_interval": SCALAR,
    "rule_query_offset": SCALAR,
    "query_log_file": SCALAR,
    "scrape_failure_log_file": SCALAR,
    "external_labels": MapOf(SCALAR),
    "body_size_limit": SCALAR,
    "sample_limit": SCALAR,
    "target_limit": SCALAR,
    "label_limit": SCALAR,
    "label_name_length_limit": SCALAR,
    "label_value_length_limit": SCALAR,
    "keep_dropped_targets": SCALAR,
    "metric_name_validation_scheme": SCALAR,
    "metric_name_escaping_scheme": SCALAR,
    "scrape_native_histograms": SCALAR,
    "convert_classic_histograms_to_nhcb": SCALAR,
    "always_scrape_classic_histograms": SCALAR,
    "extra_scrape_metrics": SCALAR,
}

RUNTIME_CONFIG = {"gogc": SCALAR}

SCRAPE_CONFIG = {
    "job_name": SCALAR,
    "honor_labels": SCALAR,
    "honor_timestamps": SCALAR,
    "track_timestamps_staleness": SCALAR,
    "params": MapOf([SCALAR]),  # url.Values
    "scrape_interval": SCALAR,
    "scrape_timeout": SCALAR,
    "scrape_protocols": [SCALAR],
    "fallback_scrape_protocol": SCALAR,
    "scrape_native_histograms": SCALAR,
    "always_scrape_classic_histograms": SCALAR,
    "convert_classic_histograms_to_nhcb": SCALAR,
    "scrape_failure_log_file": SCALAR,
    "metrics_path": SCALAR,
    "scheme": SCALAR,
    "enable_compression": SCALAR,
    "body_size_limit": SCALAR,
    "sample_limit": SCALAR,
    "target_limit": SCALAR,
    "label_limit": SCALAR,
    "label_name_length_limit": SCALAR,
    "label_value_length_limit": SCALAR,
    "native_histogram_bucket_limit": SCALAR,
    "native_histogram_min_bucket_factor": SCALAR,
    "keep_dropped_targets": SCALAR,
    "metric_name_validation_scheme": SCALAR,
    "metric_name_escaping_scheme": SCALAR,
    "extra_scrape_metrics": SCALAR,
    **SD_CONFIGS,
    **HTTP_CLIENT_CONFIG,
    "relabel_configs": [RELABEL_CONFIG],
    "metric_relabel_configs": [RELABEL_CONFIG],
}

ALERTMANAGER_CONFIG = {
    **SD_CONFIGS,
    **HTTP_CLIENT_CONFIG,
    "sigv4": SIGV4_CONFIG,
    "scheme": SCALAR,
    "path_prefix": SCALAR,
    "timeout": SCALAR,
    "api_version": SCALAR,
    "relabel_configs": [RELABEL_CONFIG],
    "alert_relabel_configs": [RELABEL_CONFIG],
}

ALERTING_CONFIG = {
    "alert_relabel_configs": [RELABEL_CONFIG],
    "alertmanagers": [ALERTMANAGER_CONFIG],
}

QUEUE_CONFIG = {
    "capacity": SCALAR,
    "max_shards": SCALAR,
    "min_shards": SCALAR,
    "max_samples_per_send": SCALAR,
    "batch_send_deadline": SCALAR,
    "min_backoff": SCALAR,
    "max_backoff": SCALAR,
    "retry_on_http_429": SCALAR,
    "sample_age_limit": SCALAR,
}

METADATA_CONFIG = {
    "send": SCALAR,
    "send_interval": SCALAR,
    "max_samples_per_send": SCALAR,
}

REMOTE_WRITE_CONFIG = {
    "url": SCALAR,
    "remote_timeout": SCALAR,
    "headers": MapOf(SCALAR),
    "write_relabel_configs": [RELABEL_CONFIG],
    "name": SCALAR,
    "send_exemplars": SCALAR,
    "send_native_histograms": SCALAR,
    "round_robin_dns": SCALAR,
    "protobuf_message": SCALAR,
    "failed_request_logging": SCALAR,
    **HTTP_CLIENT_CONFIG,
    "queue_config": QUEUE_CONFIG,
    "metadata_config": METADATA_CONFIG,
    "sigv4": SIGV4_CONFIG,
    "azuread": AZUREAD_CONFIG,
    "google_iam": GOOGLE_IAM_CONFIG,
}

REMOTE_READ_CONFIG = {
    "url": SCALAR,
    "remote_timeout": SCALAR,
    "chunked_read_limit": SCALAR,
    "headers": MapOf(SCALAR),
    "read_recent": SCALAR,
    "name": SCALAR,
    **HTTP_CLIENT_CONFIG,
    "required_matchers": MapOf(SCALAR),
    "filter_external_labels": SCALAR,
}

TSDB_CONFIG = {
    "out_of_order_time_window": SCALAR,
    "stale_series_compaction_threshold": SCALAR,
    "chunk_encoding": {"floats": SCALAR},
    "retention": {"time": SCALAR, "size": SCALAR, "percentage": SCALAR},
}

STORAGE_CONFIG = {
    "tsdb": TSDB_CONFIG,
    "exemplars": {"max_exemplars": SCALAR},
}

TRACING_CONFIG = {
    "client_type": SCALAR,
    "endpoint": SCALAR,
    "sampling_fraction": SCALAR,
    "insecure": SCALAR,
    "tls_config": TLS_CONFIG,
    "headers": MapOf(SCALAR),
    "compression": SCALAR,
    "timeout": SCALAR,
}

OTLP_CONFIG = {
    "promote_all_resource_attributes": SCALAR,
    "promote_resource_attributes": [SCALAR],
    "ignore_resource_attributes": [SCALAR],
    "translation_strategy": SCALAR,
    "keep_identifying_resource_attributes": SCALAR,
    "convert_histograms_to_nhcb": SCALAR,
    "promote_scope_metadata": SCALAR,
    "label_name_underscore_sanitization": SCALAR,
    "label_name_preserve_multiple_underscores": SCALAR,
}

PROMETHEUS = {
    "global": GLOBAL_CONFIG,
    "runtime": RUNTIME_CONFIG,
    "alerting": ALERTING_CONFIG,
    "rule_files": [SCALAR],
    "scrape_config_files": [SCALAR],
    "scrape_configs": [SCRAPE_CONFIG],
    "storage": STORAGE_CONFIG,
    "tracing": TRACING_CONFIG,
    "remote_write": [REMOTE_WRITE_CONFIG],
    "remote_read": [REMOTE_READ_CONFIG],
    "otlp": OTLP_CONFIG,
}
