"""The shape of alertmanager.yml, as the current Alertmanager reads it.

Alertmanager loads its configuration with yaml.v2 ``UnmarshalStrict``, so a key that is not
below is a startup error. Every key here is a Go struct yaml tag in prometheus/alertmanager at
v0.34.0-20-g68fb2d575 (config/config.go, config/notifiers.go, config/common/*.go,
notify/*/config.go, tracing/config.go, eventrecorder/*.go, timeinterval/timeinterval.go), and
of prometheus/common v0.70.1 (config/http_config.go, config/headers.go) and prometheus/sigv4
v0.4.1, the versions that release builds with. No yaml tag of v0.25.0 or v0.28.0 is missing
from it, so it also fits configs written for 0.25-0.33 (only keys added since then are extra).

``Secret(twin, since)``: ``since`` is the first Alertmanager release in which the ``twin``
(*_file) key can be used, found by reading the struct tags of every release tag and the
CHANGELOG. Two keys were in a release before they worked; ``since`` gives the working one:

- victorops ``api_key_file`` is in the 0.22.0 struct (typed Secret, added with the Slack file
  change, never read); it is read from 0.25.0 on (#3111, CHANGELOG 0.25.0);
- discord / msteams ``webhook_url_file`` is in 0.27.0 (#3555), but 0.27.x still rejected a
  receiver without ``webhook_url`` ("no discord webhook URL provided") and also rejected
  setting both, so the file key first works in 0.28.0 (#3728, CHANGELOG 0.28.0 bugfix).

For http_config secrets ``since`` is the first Alertmanager release whose go.mod pulls a
prometheus/common that has the twin key (http_config itself arrived in 0.15.0).
"""

from __future__ import annotations

from .http_client_schema import http_client_schema
from .schema import ANY, SCALAR, MapOf, Secret

# --- prometheus/common config (v0.70.1) -------------------------------------------------------

# Alertmanager release that first accepted each *_file twin of the HTTP client config: 0.15
# brought http_config; common v0.23 (credentials_file, client_secret_file) came with 0.22,
# v0.61 (http_headers files) with 0.28, v0.70 (client_certificate_key_file) with 0.34.
_HTTP = http_client_schema(
    {
        "key": "0.15",
        "password": "0.15",
        "bearer_token": "0.15",
        "credentials": "0.22",
        "client_secret": "0.22",
        "secrets": "0.28",
        "client_certificate_key": "0.34",
    }
)
TLS_CONFIG = _HTTP.tls_config
HTTP_CONFIG = _HTTP.http_client
SIGV4 = _HTTP.sigv4
HTTP_HEADERS = _HTTP.http_headers

# --- global ------------------------------------------------------------------------------------

GLOBAL = {
    "resolve_timeout": SCALAR,
    "http_config": HTTP_CONFIG,
    "jira_api_url": SCALAR,
    "smtp_from": SCALAR,
    "smtp_hello": SCALAR,
    "smtp_smarthost": SCALAR,
    "smtp_auth_username": SCALAR,
    "smtp_auth_password": Secret(twin="smtp_auth_password_file", since="0.25"),
    "smtp_auth_password_file": SCALAR,
    "smtp_auth_secret": Secret(twin="smtp_auth_secret_file", since="0.31"),
    "smtp_auth_secret_file": SCALAR,
    "smtp_auth_identity": SCALAR,
    "smtp_require_tls": SCALAR,
    "smtp_tls_config": TLS_CONFIG,
    "smtp_force_implicit_tls": SCALAR,
    "slack_api_url": Secret(twin="slack_api_url_file", since="0.22"),
    "slack_api_url_file": SCALAR,
    "slack_app_token": Secret(twin="slack_app_token_file", since="0.30"),
    "slack_app_token_file": SCALAR,
    "slack_app_url": SCALAR,
    "pagerduty_url": SCALAR,
    "opsgenie_api_url": SCALAR,
    "opsgenie_api_key": Secret(twin="opsgenie_api_key_file", since="0.24"),
    "opsgenie_api_key_file": SCALAR,
    "wechat_api_url": SCALAR,
    "wechat_api_secret": Secret(twin="wechat_api_secret_file", since="0.31"),
    "wechat_api_secret_file": SCALAR,
    "wechat_api_corp_id": SCALAR,
    "victorops_api_url": SCALAR,
    "victorops_api_key": Secret(twin="victorops_api_key_file", since="0.25"),
    "victorops_api_key_file": SCALAR,
    "telegram_api_url": SCALAR,
    # global telegram_bot_token and its _file both arrived in 0.31 (#4823)
    "telegram_bot_token": Secret(twin="telegram_bot_token_file", since="0.31"),
    "telegram_bot_token_file": SCALAR,
    "webex_api_url": SCALAR,
    "rocketchat_api_url": SCALAR,
    "rocketchat_token": Secret(twin="rocketchat_token_file", since="0.28"),
    "rocketchat_token_file": SCALAR,
    "rocketchat_token_id": Secret(twin="rocketchat_token_id_file", since="0.28"),
    "rocketchat_token_id_file": SCALAR,
    # global mattermost_webhook_url and its _file both arrived in 0.32 (#4998)
    "mattermost_webhook_url": Secret(twin="mattermost_webhook_url_file", since="0.32"),
    "mattermost_webhook_url_file": SCALAR,
}

# --- route, inhibition, time intervals ---------------------------------------------------------

ROUTE = {
    "receiver": SCALAR,
    "group_by": [SCALAR],
    "match": MapOf(SCALAR),  # deprecated
    "match_re": MapOf(SCALAR),  # deprecated
    "matchers": [SCALAR],
    "mute_time_intervals": [SCALAR],
    "active_time_intervals": [SCALAR],
    "continue": SCALAR,
    "group_wait": SCALAR,
    "group_interval": SCALAR,
    "repeat_interval": SCALAR,
    "labels": MapOf(SCALAR),
}
ROUTE["routes"] = [ROUTE]  # routes nest to any depth

INHIBIT_RULE = {
    "name": SCALAR,
    "source_match": MapOf(SCALAR),  # deprecated
    "source_match_re": MapOf(SCALAR),  # deprecated
    "source_matchers": [SCALAR],
    "target_match": MapOf(SCALAR),  # deprecated
    "target_match_re": MapOf(SCALAR),  # deprecated
    "target_matchers": [SCALAR],
    "equal": [SCALAR],
}

TIME_INTERVAL = {  # timeinterval.TimeInterval; ranges are strings such as "monday:friday"
    "times": [{"start_time": SCALAR, "end_time": SCALAR}],
    "weekdays": [SCALAR],
    "days_of_month": [SCALAR],
    "months": [SCALAR],
    "years": [SCALAR],
    "location": SCALAR,
}

NAMED_TIME_INTERVAL = {"name": SCALAR, "time_intervals": [TIME_INTERVAL]}

# --- receivers ---------------------------------------------------------------------------------

_NOTIFIER = {"send_resolved": SCALAR}  # NotifierConfig, inlined into every integration

DISCORD = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "webhook_url": Secret(twin="webhook_url_file", since="0.28"),  # key in 0.27, works 0.28
    "webhook_url_file": SCALAR,
    "content": SCALAR,
    "title": SCALAR,
    "message": SCALAR,
    "username": SCALAR,
    "avatar_url": SCALAR,
}

EMAIL = {
    **_NOTIFIER,
    "to": SCALAR,
    "from": SCALAR,
    "hello": SCALAR,
    "smarthost": SCALAR,
    "auth_username": SCALAR,
    "auth_password": Secret(twin="auth_password_file", since="0.25"),
    "auth_password_file": SCALAR,
    "auth_secret": Secret(twin="auth_secret_file", since="0.31"),
    "auth_secret_file": SCALAR,
    "auth_identity": SCALAR,
    "headers": MapOf(SCALAR),
    "html": SCALAR,
    "text": SCALAR,
    "require_tls": SCALAR,
    "tls_config": TLS_CONFIG,
    "force_implicit_tls": SCALAR,
    "threading": {"enabled": SCALAR, "thread_by_date": SCALAR},
}

INCIDENTIO = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    # url is a plain URL in Go (not redacted), although it has a url_file form (0.29)
    "url": SCALAR,
    "url_file": SCALAR,
    "alert_source_token": Secret(twin="alert_source_token_file", since="0.29"),
    "alert_source_token_file": SCALAR,
    "max_alerts": SCALAR,
    "timeout": SCALAR,
}

PAGERDUTY = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "service_key": Secret(twin="service_key_file", since="0.25"),
    "service_key_file": SCALAR,
    "routing_key": Secret(twin="routing_key_file", since="0.25"),
    "routing_key_file": SCALAR,
    "url": SCALAR,
    "client": SCALAR,
    "client_url": SCALAR,
    "description": SCALAR,
    "details": MapOf(ANY),  # map[string]any
    "images": [{"src": SCALAR, "alt": SCALAR, "href": SCALAR}],
    "links": [{"href": SCALAR, "text": SCALAR}],
    "source": SCALAR,
    "severity": SCALAR,
    "class": SCALAR,
    "component": SCALAR,
    "group": SCALAR,
    "timeout": SCALAR,
}

SLACK = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_url": Secret(twin="api_url_file", since="0.22"),
    "api_url_file": SCALAR,
    "app_token": Secret(twin="app_token_file", since="0.30"),
    "app_token_file": SCALAR,
    "app_url": SCALAR,
    "channel": SCALAR,
    "username": SCALAR,
    "color": SCALAR,
    "title": SCALAR,
    "title_link": SCALAR,
    "pretext": SCALAR,
    "text": SCALAR,
    "message_text": SCALAR,
    "fields": [{"title": SCALAR, "value": SCALAR, "short": SCALAR}],
    "short_fields": SCALAR,
    "footer": SCALAR,
    "fallback": SCALAR,
    "callback_id": SCALAR,
    "icon_emoji": SCALAR,
    "icon_url": SCALAR,
    "image_url": SCALAR,
    "thumb_url": SCALAR,
    "link_names": SCALAR,
    "mrkdwn_in": [SCALAR],
    "actions": [
        {
            "type": SCALAR,
            "text": SCALAR,
            "url": SCALAR,
            "style": SCALAR,
            "name": SCALAR,
            "value": SCALAR,
            "confirm": {"text": SCALAR, "title": SCALAR, "ok_text": SCALAR, "dismiss_text": SCALAR},
        }
    ],
    "update_message": SCALAR,
    "timeout": SCALAR,
}

WEBHOOK = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "url": Secret(twin="url_file", since="0.26"),
    "url_file": SCALAR,
    "max_alerts": SCALAR,
    "timeout": SCALAR,
    "payload": ANY,  # free-form (Go ``any``)
}

OPSGENIE = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_key": Secret(twin="api_key_file", since="0.24"),
    "api_key_file": SCALAR,
    "api_url": SCALAR,
    "message": SCALAR,
    "description": SCALAR,
    "source": SCALAR,
    "details": MapOf(SCALAR),
    "entity": SCALAR,
    "responders": [{"id": SCALAR, "name": SCALAR, "username": SCALAR, "type": SCALAR}],
    "actions": SCALAR,
    "tags": SCALAR,
    "note": SCALAR,
    "priority": SCALAR,
    "update_alerts": SCALAR,
}

WECHAT = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_secret": Secret(twin="api_secret_file", since="0.31"),
    "api_secret_file": SCALAR,
    "corp_id": SCALAR,
    "message": SCALAR,
    "api_url": SCALAR,
    "to_user": SCALAR,
    "to_party": SCALAR,
    "to_tag": SCALAR,
    "agent_id": SCALAR,
    "message_type": SCALAR,
}

PUSHOVER = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "user_key": Secret(twin="user_key_file", since="0.26"),
    "user_key_file": SCALAR,
    "token": Secret(twin="token_file", since="0.26"),
    "token_file": SCALAR,
    "title": SCALAR,
    "message": SCALAR,
    "url": SCALAR,
    "url_title": SCALAR,
    "device": SCALAR,
    "sound": SCALAR,
    "priority": SCALAR,
    "retry": SCALAR,
    "expire": SCALAR,
    "ttl": SCALAR,
    "html": SCALAR,
    "monospace": SCALAR,
}

VICTOROPS = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_key": Secret(twin="api_key_file", since="0.25"),  # key in 0.22, read from 0.25
    "api_key_file": SCALAR,
    "api_url": SCALAR,
    "routing_key": SCALAR,
    "message_type": SCALAR,
    "state_message": SCALAR,
    "entity_display_name": SCALAR,
    "monitoring_tool": SCALAR,
    "custom_fields": MapOf(SCALAR),
}

SNS = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_url": SCALAR,
    "sigv4": SIGV4,
    "topic_arn": SCALAR,
    "phone_number": SCALAR,
    "target_arn": SCALAR,
    "subject": SCALAR,
    "message": SCALAR,
    "attributes": MapOf(SCALAR),
    "use_aws_http_client": SCALAR,
}

TELEGRAM = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_url": SCALAR,
    "bot_token": Secret(twin="bot_token_file", since="0.26"),
    "bot_token_file": SCALAR,
    "chat_id": SCALAR,  # an int64 in Go, not a Secret; chat_id_file arrived in 0.31
    "chat_id_file": SCALAR,
    "message_thread_id": SCALAR,
    "message": SCALAR,
    "disable_notifications": SCALAR,
    "parse_mode": SCALAR,
}

WEBEX = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,  # the bot token goes in http_config.authorization
    "api_url": SCALAR,
    "message": SCALAR,
    "room_id": SCALAR,
}

MSTEAMS = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "webhook_url": Secret(twin="webhook_url_file", since="0.28"),  # key in 0.27, works 0.28
    "webhook_url_file": SCALAR,
    "title": SCALAR,
    "summary": SCALAR,
    "text": SCALAR,
}

MSTEAMSV2 = {  # integration and its webhook_url_file both arrived in 0.28
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "webhook_url": Secret(twin="webhook_url_file", since="0.28"),
    "webhook_url_file": SCALAR,
    "title": SCALAR,
    "text": SCALAR,
}

_JIRA_FIELD = ANY  # JiraFieldConfig: a template string, or {template, enable_update}

JIRA = {  # no secret of its own: credentials go in http_config
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_url": SCALAR,
    "api_type": SCALAR,
    "project": SCALAR,
    "summary": _JIRA_FIELD,
    "description": _JIRA_FIELD,
    "labels": [SCALAR],
    "priority": SCALAR,
    "issue_type": SCALAR,
    "reopen_transition": SCALAR,
    "resolve_transition": SCALAR,
    "wont_fix_resolution": SCALAR,
    "reopen_duration": SCALAR,
    "fields": ANY,  # map[string]any, free-form custom fields
}

ROCKETCHAT = {
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "api_url": SCALAR,
    "token_id": Secret(twin="token_id_file", since="0.28"),
    "token_id_file": SCALAR,
    "token": Secret(twin="token_file", since="0.28"),
    "token_file": SCALAR,
    "channel": SCALAR,
    "color": SCALAR,
    "title": SCALAR,
    "title_link": SCALAR,
    "text": SCALAR,
    # RocketchatAttachmentField / ...Action carry json tags only, so yaml.v2 keys them by the
    # lowercased Go field name (ImageURL -> "imageurl", not "image_url").
    "fields": [{"short": SCALAR, "title": SCALAR, "value": SCALAR}],
    "short_fields": SCALAR,
    "emoji": SCALAR,
    "icon_url": SCALAR,
    "image_url": SCALAR,
    "thumb_url": SCALAR,
    "link_names": SCALAR,
    "actions": [
        {
            "type": SCALAR,
            "text": SCALAR,
            "url": SCALAR,
            "imageurl": SCALAR,
            "iswebview": SCALAR,
            "webviewheightratio": SCALAR,
            "msg": SCALAR,
            "msginchatwindow": SCALAR,
            "msgprocessingtype": SCALAR,
        }
    ],
}

_MATTERMOST_FIELD = {"title": SCALAR, "value": SCALAR, "short": SCALAR}

MATTERMOST = {  # integration 0.30
    **_NOTIFIER,
    "http_config": HTTP_CONFIG,
    "webhook_url": Secret(twin="webhook_url_file", since="0.30"),
    "webhook_url_file": SCALAR,
    "channel": SCALAR,
    "username": SCALAR,
    "text": SCALAR,
    "fallback": SCALAR,
    "color": SCALAR,
    "pretext": SCALAR,
    "author_name": SCALAR,
    "author_link": SCALAR,
    "author_icon": SCALAR,
    "title": SCALAR,
    "title_link": SCALAR,
    "fields": [_MATTERMOST_FIELD],
    "thumb_url": SCALAR,
    "footer": SCALAR,
    "footer_icon": SCALAR,
    "image_url": SCALAR,
    "icon_url": SCALAR,
    "icon_emoji": SCALAR,
    "attachments": [
        {
            "fallback": SCALAR,
            "color": SCALAR,
            "pretext": SCALAR,
            "text": SCALAR,
            "author_name": SCALAR,
            "author_link": SCALAR,
            "author_icon": SCALAR,
            "title": SCALAR,
            "title_link": SCALAR,
            "fields": [_MATTERMOST_FIELD],
            "thumb_url": SCALAR,
            "footer": SCALAR,
            "footer_icon": SCALAR,
            "image_url": SCALAR,
        }
    ],
    "type": SCALAR,
    "props": {"card": SCALAR},
    "priority": {"priority": SCALAR, "requested_ack": SCALAR, "persistent_notifications": SCALAR},
}

RECEIVER = {
    "name": SCALAR,
    "labels": MapOf(SCALAR),
    "discord_configs": [DISCORD],
    "email_configs": [EMAIL],
    "incidentio_configs": [INCIDENTIO],
    "pagerduty_configs": [PAGERDUTY],
    "slack_configs": [SLACK],
    "webhook_configs": [WEBHOOK],
    "opsgenie_configs": [OPSGENIE],
    "wechat_configs": [WECHAT],
    "pushover_configs": [PUSHOVER],
    "victorops_configs": [VICTOROPS],
    "sns_configs": [SNS],
    "telegram_configs": [TELEGRAM],
    "webex_configs": [WEBEX],
    "msteams_configs": [MSTEAMS],
    "msteamsv2_configs": [MSTEAMSV2],
    "jira_configs": [JIRA],
    "rocketchat_configs": [ROCKETCHAT],
    "mattermost_configs": [MATTERMOST],
}

# --- tracing (0.32) and event_recorder (0.33, behind --enable-feature=event-recorder) -----------

TRACING = {
    "client_type": SCALAR,
    "endpoint": SCALAR,
    "sampling_fraction": SCALAR,
    "insecure": SCALAR,
    "tls_config": TLS_CONFIG,
    # The struct tag is "headers" (commoncfg.Headers); docs/configuration.md says "http_headers",
    # which the strict decoder rejects.
    "headers": HTTP_HEADERS,
    "compression": SCALAR,
    "timeout": SCALAR,
}

EVENT_RECORDER = {
    "file_outputs": [{"path": SCALAR}],
    "webhook_outputs": [
        {
            "url": Secret(twin=None),  # SecretURL, no file form
            "http_config": HTTP_CONFIG,
            "timeout": SCALAR,
            "workers": SCALAR,
            "max_retries": SCALAR,
            "retry_backoff": SCALAR,
            "batch": SCALAR,
            "batch_max_events": SCALAR,
            "batch_max_bytes": SCALAR,
            "batch_flush_interval": SCALAR,
        }
    ],
    "kafka_outputs": [
        {
            "brokers": [SCALAR],
            "topic": SCALAR,
            "client_id": SCALAR,
            "format": SCALAR,
            "acks": SCALAR,
            "compression": SCALAR,
            "buffer_size": SCALAR,
            "tls_config": TLS_CONFIG,
        }
    ],
    "stdout_outputs": [{}],  # StdoutOutputConfig has no fields
}

# --- the file ----------------------------------------------------------------------------------

ALERTMANAGER = {
    "global": GLOBAL,
    "route": ROUTE,
    "inhibit_rules": [INHIBIT_RULE],
    "receivers": [RECEIVER],
    "templates": [SCALAR],
    "mute_time_intervals": [NAMED_TIME_INTERVAL],  # deprecated spelling of time_intervals
    "time_intervals": [NAMED_TIME_INTERVAL],
    "tracing": TRACING,
    "event_recorder": EVENT_RECORDER,
}
