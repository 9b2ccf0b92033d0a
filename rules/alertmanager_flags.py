"""Alertmanager as it is started: its cluster (gossip) port without TLS."""

from __future__ import annotations

from promguard.rule import Rule

from .common import PROGRAM_KINDS as KINDS
from .common import invocations_of

AMHA = "https://prometheus.io/docs/alerting/latest/https/#gossip-traffic"


AMREADME = "https://github.com/prometheus/alertmanager#high-availability"


class GossipWithoutTls(Rule):
    id = "AF02"
    name = "alertmanager-gossip-without-tls"
    title = "Alertmanager cluster gossip without TLS"
    severity = "medium"
    kinds = KINDS
    description = "Alertmanager joins a cluster (--cluster.peer) without --cluster.tls-config."
    rationale = (
        "Gossip carries silences and notification state in clear and unauthenticated: anyone "
        "who reaches port 9094 can join the cluster and add silences that mute every alert."
    )
    fix = "Give --cluster.tls-config a file with mutual TLS settings for the cluster."
    references = (AMHA, AMREADME)
    tags = ("tls", "exposure")
    cwe = ("CWE-319",)
    controls = ("PGB-02",)

    def check(self, doc):
        for inv in invocations_of(doc, "alertmanager"):
            peers = [p for p in inv.all("cluster.peer") if p.value.strip()]
            tls = inv.flag("cluster.tls-config")
            if peers and (tls is None or not tls.value.strip()):  # an empty path means no TLS
                item = peers[0].item
                yield self.report(
                    inv.doc_of(item), item, f"{inv.label} gossips with its peers without TLS"
                )


RULES = [GossipWithoutTls]
