"""Pushgateway as it is started: the admin and lifecycle APIs."""

from __future__ import annotations

from .common import PROGRAM_KINDS as KINDS
from .common import FlagRule

PGW = "https://github.com/prometheus/pushgateway#command-line-flags"


class PushgatewayAdminApi(FlagRule):
    id = "PGW01"
    name = "pushgateway-admin-api"
    title = "Pushgateway admin API enabled"
    severity = "medium"
    kinds = KINDS
    program, flag = "pushgateway", "web.enable-admin-api"
    what = "anyone who reaches the port can wipe every pushed metric"
    description = "Pushgateway runs with --web.enable-admin-api (PUT /api/v1/admin/wipe)."
    rationale = (
        "The Pushgateway has no authentication by default; the admin API deletes all metric "
        "groups, which silently breaks every alert on batch jobs."
    )
    fix = "Remove the flag, or require authentication with --web.config.file."
    references = (PGW,)
    tags = ("exposure",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)


class PushgatewayLifecycle(FlagRule):
    id = "PGW02"
    name = "pushgateway-lifecycle-api"
    title = "Pushgateway lifecycle API enabled"
    severity = "low"
    kinds = KINDS
    program, flag = "pushgateway", "web.enable-lifecycle"
    what = "anyone who reaches the port can shut it down"
    description = "Pushgateway runs with --web.enable-lifecycle (/-/quit over HTTP)."
    rationale = "An unauthenticated POST to /-/quit stops the Pushgateway."
    fix = "Remove the flag, or require authentication with --web.config.file."
    references = (PGW,)
    tags = ("exposure",)
    cwe = ("CWE-306",)
    controls = ("PGB-09",)


RULES = [PushgatewayAdminApi, PushgatewayLifecycle]
