"""One self-contained HTML page for an audit: ``promguard report -o report.html``.

The page has no scripts and loads nothing: its styles are inline, its charts inline SVG, and a
Content-Security-Policy forbids every other load, so the file opens the same offline, in a
mail attachment or on a locked-down laptop, and prints. It holds no timestamp, so the same
scan gives the same file.

What it shows: what was scanned and the stack at a glance (services, what they publish, which
proxy forwards to which service), the controls of one framework with their status, evidence
and findings, and each finding with the code around it and the fix.

A control is *failed* when a finding (not suppressed) comes from a rule mapped to it, *met*
when a mapped rule passed on at least one object and none failed, and *not applicable* when
no mapped rule evaluated anything.

Secrets: finding messages are masked by the rules; the excerpts are the files' own text, so the
values on lines a secret rule points at, the values of keys that name a secret, the passwords
in URLs and private key blocks are replaced by ``********`` before anything is written.
"""

from __future__ import annotations

import os
import re
from html import escape as _html_escape

from .. import __version__
from ..controls import FRAMEWORKS, framework_controls, rule_controls
from ..model import MASK, RANK, SEVERITIES
from ..safe_text import escape as escape_controls
from .masking import is_secret_rule, mask_lines
from .report_css import CSS
from .report_stack import proxy_routes, scrape_links, stack_model_of


def escape(text: str) -> str:
    """HTML-escaped, with control characters from the scanned files made visible first: a
    browser ignores most of them, but a report opened in a pager or copied to a terminal
    would not."""
    return _html_escape(escape_controls(text))


STATUSES = ("failed", "met", "na")
STATUS_LABEL = {"failed": "Failed", "met": "Met", "na": "Not applicable"}
STATUS_COLOUR = {"failed": "#c62828", "met": "#2e7d32", "na": "#9e9e9e"}
SEVERITY_COLOUR = {
    "critical": "#7b1fa2",
    "high": "#c62828",
    "medium": "#ef6c00",
    "low": "#1565c0",
}
CONTEXT_LINES = 3  # lines shown above and below a finding
MAX_HIGHLIGHT = 8  # lines of a multi-line finding highlighted before it is cut
MAX_SOURCE_BYTES = 2 * 1024 * 1024

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def render(
    result, framework: str = "promguard", root: str | None = None, title: str | None = None
) -> str:
    """The page; ``title`` names what was scanned (default: the root folder's name)."""
    root = root or os.getcwd()
    return _Report(result, framework, root, title).page()


# the report


class _Source:
    """The scanned files' lines, read once and masked."""

    def __init__(self, root: str, secret_lines: dict[str, set[int]], scope=None):
        self.root = root
        self.scope = scope  # files.ReadScope of the scan: the report opens nothing it did not
        self.secret_lines = secret_lines
        self._cache: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        if path not in self._cache:
            self._cache[path] = self._read(path)
        return self._cache[path]

    def _read(self, path: str) -> list[str] | None:
        full = path if os.path.isabs(path) else os.path.join(self.root, path)
        if self.scope is not None and not self.scope.allows(full):
            return None
        try:
            if not os.path.isfile(full) or os.path.getsize(full) > MAX_SOURCE_BYTES:
                return None
            with open(full, "rb") as fh:
                data = fh.read(MAX_SOURCE_BYTES + 1)
        except OSError:
            return None
        if b"\0" in data[:8192]:
            return None
        text = data.decode("utf-8-sig", errors="replace").expandtabs(4)
        lines = text.splitlines()
        return mask_lines(lines, self.secret_lines.get(path, set()))


class _Report:
    def __init__(self, result, framework: str, root: str, title: str | None = None):
        if framework not in FRAMEWORKS:
            raise ValueError(f"unknown framework {framework!r}")
        self.title = title
        self.result = result
        self.framework = framework
        self.root = root
        self.rules = {rule.id: rule for rule in result.rules_run}
        self.findings = sorted(
            result.findings,
            key=lambda f: (-RANK.get(f.severity, 0), f.path, f.line, f.column, f.rule_id),
        )
        self.suppressed = sorted(result.suppressed, key=lambda f: f.sort_key())
        self.passed = [c for c in result.checks if c.passed]
        self.finding_ids = {id(f): f"F{i}" for i, f in enumerate(self.findings, 1)}
        secret_lines: dict[str, set[int]] = {}
        for finding in [*result.findings, *result.suppressed]:
            if is_secret_rule(self.rules.get(finding.rule_id)):
                last = min(finding.end_line, finding.line + 50)
                secret_lines.setdefault(finding.path, set()).update(range(finding.line, last + 1))
                for path, line, _, _ in finding.related:
                    secret_lines.setdefault(path, set()).add(line)
        self.source = _Source(root, secret_lines, getattr(result, "scope", None))
        self.controls = framework_controls(framework)
        self._evaluate()

    # what the page says

    def _evaluate(self):
        known = {c.id for c in self.controls}
        self.rules_of: dict[str, list[str]] = {c.id: [] for c in self.controls}
        self.controls_of: dict[str, list[str]] = {}
        for rule in self.result.rules_run:
            ids = [i for i in rule_controls(rule, self.framework) if i in known]
            self.controls_of[rule.id] = ids
            for control_id in ids:
                self.rules_of[control_id].append(rule.id)
        self.status: dict[str, str] = {}
        self.control_findings: dict[str, list] = {}
        self.control_passed: dict[str, list] = {}
        for control in self.controls:
            rule_ids = set(self.rules_of[control.id])
            found = [f for f in self.findings if f.rule_id in rule_ids]
            passed = [c for c in self.passed if c.rule_id in rule_ids]
            self.control_findings[control.id] = found
            self.control_passed[control.id] = passed
            self.status[control.id] = "failed" if found else "met" if passed else "na"
        self.counts = {s: sum(1 for v in self.status.values() if v == s) for s in STATUSES}
        self.in_scope = [f for f in self.findings if self.controls_of.get(f.rule_id)]
        self.out_of_scope = [f for f in self.findings if not self.controls_of.get(f.rule_id)]

    def page(self) -> str:
        name = self.title or os.path.basename(os.path.normpath(self.root)) or self.root
        title = f"promguard report: {name}"
        body = "\n".join(
            [
                self._header(name),
                self._summary(),
                self._stack(),
                self._controls(),
                self._findings(),
                self._suppressed(),
                self._footer(),
            ]
        )
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="promguard ' + escape(__version__) + '">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f'<body data-framework="{escape(self.framework)}">\n<main>\n{body}\n</main>\n'
            "</body>\n</html>\n"
        )

    def _header(self, name: str) -> str:
        r = self.result
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(r.kinds.items())) or "no known kinds"
        errors = ""
        if r.errors:
            items = "".join(f"<li>{escape(e)}</li>" for e in r.errors)
            errors = (
                f'<div class="alert" id="errors" data-count="{len(r.errors)}">'
                "<strong>The scan was incomplete:</strong> some rules failed, so the results "
                f"below may miss problems.<ul>{items}</ul></div>"
            )
        failed = self.counts["failed"]
        if not self.controls:
            verdict = "No controls of this framework are mapped to promguard's rules yet."
            tone = "na"
        elif failed:
            verdict = f"{failed} of {len(self.controls)} controls failed."
            tone = "failed"
        elif self.counts["met"]:
            verdict = f"No control failed; {self.counts['met']} of {len(self.controls)} met."
            tone = "met"
        else:
            verdict = "Nothing this framework's rules check was found in the scanned files."
            tone = "na"
        nav = "".join(
            f'<a href="#{a}">{t}</a>'
            for a, t in (
                ("summary", "Summary"),
                ("stack", "Stack"),
                ("controls", "Controls"),
                ("findings", "Findings"),
                ("suppressed", "Suppressed"),
            )
        )
        return (
            '<header id="top">'
            '<p class="eyebrow">promguard security report</p>'
            f"<h1>{escape(name)}</h1>"
            f'<p class="scope">Framework: <strong>{escape(FRAMEWORKS[self.framework])}</strong>'
            f" &middot; {r.files_scanned} files scanned ({escape(kinds)})"
            f" &middot; {len(self.result.rules_run)} rules"
            f" &middot; promguard {escape(__version__)}</p>"
            f'<p class="verdict verdict-{tone}" id="verdict">{escape(verdict)}</p>'
            f'<nav class="toc no-print">{nav}</nav>'
            f"{errors}</header>"
        )

    # summary

    def _summary(self) -> str:
        by_severity = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
        cards = [
            _card("controls-failed", self.counts["failed"], "controls failed", "failed"),
            _card("controls-met", self.counts["met"], "controls met", "met"),
            _card("controls-na", self.counts["na"], "not applicable", "na"),
            _card(
                "findings",
                len(self.findings),
                "findings"
                + (f", {len(self.in_scope)} under these controls" if self.out_of_scope else ""),
                "",
            ),
            _card("passed-checks", len(self.passed), "passed checks", ""),
            _card("suppressed", len(self.suppressed), "suppressed", ""),
            _card("files", self.result.files_scanned, "files scanned", ""),
        ]
        explain = (
            '<p class="note">A control is <b>failed</b> when a finding comes from a rule '
            "mapped to it, <b>met</b> when its rules were evaluated on the stack and passed, "
            "and <b>not applicable</b> when none of its rules had anything to evaluate in the "
            "scanned files. Passed checks are one rule evaluated on one object (a service, a "
            "scrape job, an nginx location ...) with nothing found.</p>"
        )
        return (
            '<section id="summary"><h2>Summary</h2>'
            f'<div class="cards">{"".join(cards)}</div>'
            '<div class="charts">'
            f'<figure class="chart" id="controls-chart">{self._donut()}'
            f"<figcaption>Controls of the {escape(FRAMEWORKS[self.framework])}</figcaption>"
            "</figure>"
            f'<figure class="chart" id="severity-chart">{_severity_bars(by_severity)}'
            "<figcaption>Findings by severity</figcaption></figure>"
            f"</div>{explain}{self._overview()}</section>"
        )

    def _overview(self) -> str:
        """One row per control: the matrix an auditor starts from."""
        if not self.controls:
            return ""
        rows = []
        for c in self.controls:  # in the framework's own order
            status = self.status[c.id]
            found = self.control_findings[c.id]
            worst = max(found, key=lambda f: RANK.get(f.severity, 0)).severity if found else ""
            rows.append(
                f'<tr data-control="{escape(c.id)}" data-status="{status}">'
                f'<td class="nowrap"><a href="#control-{escape(c.id)}">{escape(c.id)}</a></td>'
                f"<td>{escape(c.title)}</td>"
                f'<td><span class="badge badge-{status}">{STATUS_LABEL[status]}</span></td>'
                f'<td class="num">{len(found) or ""}'
                + (f' <span class="sev sev-{worst}">{worst}</span>' if worst else "")
                + f'</td><td class="num">{len(self.control_passed[c.id]) or ""}</td></tr>'
            )
        return (
            '<h3>Controls overview</h3><table class="grid" id="overview"><thead><tr>'
            '<th>ID</th><th>Control</th><th>Status</th><th class="num">Findings (worst)</th>'
            f'<th class="num">Passed checks</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table>"
        )

    def _donut(self) -> str:
        total = len(self.controls)
        parts = []
        offset = 25.0  # start at twelve o'clock
        for status in STATUSES:
            n = self.counts[status]
            if not n:
                continue
            share = 100.0 * n / total
            parts.append(
                f'<circle class="seg seg-{status}" data-status="{status}" data-count="{n}" '
                'cx="21" cy="21" r="15.9155" fill="none" '
                f'stroke="{STATUS_COLOUR[status]}" stroke-width="6" '
                f'stroke-dasharray="{share:.3f} {100 - share:.3f}" '
                f'stroke-dashoffset="{offset:.3f}"><title>{STATUS_LABEL[status]}: {n}'
                "</title></circle>"
            )
            offset -= share
        if not parts:
            parts.append(
                '<circle cx="21" cy="21" r="15.9155" fill="none" stroke="#e0e0e0" '
                'stroke-width="6"/>'
            )
        legend = "".join(
            f'<g transform="translate(48,{10 + 10 * i})">'
            f'<rect width="6" height="6" y="-5.5" rx="1" fill="{STATUS_COLOUR[s]}"/>'
            f'<text x="9" font-size="5">{STATUS_LABEL[s]}: {self.counts[s]}</text></g>'
            for i, s in enumerate(STATUSES)
        )
        return (
            '<svg viewBox="0 0 100 42" width="300" height="126" role="img" '
            f'aria-label="Controls: {self.counts["failed"]} failed, {self.counts["met"]} met, '
            f'{self.counts["na"]} not applicable">'
            '<circle cx="21" cy="21" r="15.9155" fill="none" stroke="#eeeeee" stroke-width="6"/>'
            + "".join(parts)
            + f'<text x="21" y="21" text-anchor="middle" font-size="8" font-weight="700" '
            f'dominant-baseline="middle">{total}</text>'
            '<text x="21" y="27.5" text-anchor="middle" font-size="3.2" fill="#555">controls'
            "</text>" + legend + "</svg>"
        )

    # the stack

    def _stack(self) -> str:
        parts = ['<section id="stack"><h2>The stack at a glance</h2>']
        model = stack_model_of(self.result.stack)
        services = model.services if model is not None else []
        if services:
            proxies = proxy_routes(model, self.root)
            parts.append(self._services_table(services, proxies))
            parts.append(self._diagram(services, proxies))
            parts.append(self._links(services, proxies, model))
        else:
            parts.append(
                '<p class="note" id="no-services">No compose services were found: the files '
                "were judged one by one.</p>"
            )
        parts.append(self._files())
        parts.append("</section>")
        return "".join(parts)

    def _services_table(self, services, proxies) -> str:
        rows = []
        for s in services:
            exposed = s.exposures()
            open_ids = {id(p) for p in exposed}
            ports = []
            for port in s.service.ports:
                spec = escape(port.spec())
                if id(port) in open_ids:
                    ports.append(f'<span class="pill pill-bad" title="reachable">{spec}</span>')
                else:
                    ports.append(f'<span class="pill">{spec}</span>')
            if s.host_network is not None:
                listen = s.listen[1]
                label = f"host network{f' :{listen}' if listen else ''}"
                cls = "pill-bad" if exposed else ""
                ports.append(f'<span class="pill {cls}">{escape(label)}</span>')
            auth = s.authentication()
            behind = [p for p in proxies if p.proxy.service is s]
            proxied = "".join(
                f'<span class="pill {"pill-good" if p.proxy.protected else "pill-bad"}">'
                f"{escape(p.source)} {escape(p.route)}</span>"
                for p in behind
            )
            flags = "".join(
                f'<span class="pill pill-warn mono">--{escape(f.name)}</span>'
                if f.value in ("true", "", None)
                else f'<span class="pill pill-warn mono">--{escape(f.name)} '
                f"({escape(str(f.value))})</span>"
                for f in s.risky_flags()
            )
            image = s.service.image
            doc = s.service.doc
            rows.append(
                f'<tr class="service" data-service="{escape(s.name)}" '
                f'data-exposed="{len(exposed)}">'
                f"<td><strong>{escape(s.name)}</strong>"
                f'<div class="sub">{escape(image.value) if image is not None else ""}</div></td>'
                f"<td>{escape(s.program or 'unknown')}</td>"
                f'<td class="path"><code>{escape(doc.path)}:{s.service.key.line}</code></td>'
                f"<td>{''.join(ports) or '<span class=sub>none</span>'}</td>"
                f"<td>{escape(auth) if auth else '<span class=sub>none</span>'}</td>"
                f"<td>{proxied or '<span class=sub>&mdash;</span>'}</td>"
                f"<td>{flags or '<span class=sub>&mdash;</span>'}</td></tr>"
            )
        return (
            f'<h3>Services <span class="count">{len(services)}</span></h3>'
            '<table class="grid" id="services"><thead><tr><th>Service</th><th>Program</th>'
            "<th>Defined in</th><th>Published</th><th>Own authentication</th>"
            "<th>Behind proxy</th><th>Risky flags</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            '<p class="note">Ports in red are reachable from other machines; a proxy in green '
            "asks for credentials (or restricts by address), in red it does not.</p>"
        )

    def _diagram(self, services, proxies) -> str:
        """Other machines on the left, proxies in the middle, the services they reach on
        the right; an arrow for each published port and each proxy route, red when nothing
        on that path asks for credentials."""
        proxy_nodes: list[str] = []
        for p in proxies:
            if p.source not in proxy_nodes:
                proxy_nodes.append(p.source)
        proxy_services = {p.source_service for p in proxies if p.source_service is not None}
        backends = [s for s in services if s.name not in proxy_services]
        # the services behind a proxy first, beside it
        proxied = {p.proxy.service.name for p in proxies}
        backends.sort(key=lambda s: s.name not in proxied)
        edges = []  # (source node, target node, label, tone)
        for s in services:
            exposed = s.exposures()
            target = "proxy:" + s.name if s.name in proxy_services else "svc:" + s.name
            if not exposed or (target.startswith("svc:") and s not in backends):
                continue
            label = ", ".join(
                p.spec() if hasattr(p, "spec") else f"host network :{s.listen[1] or '?'}"
                for p in exposed
            )
            guarded = bool(s.authentication()) or s.name in proxy_services
            edges.append(("outside", target, label, "ok" if guarded else "bad"))
        for p in proxies:
            tone = "ok" if p.proxy.protected else "bad"
            edges.append(("proxy:" + p.source, "svc:" + p.proxy.service.name, p.route, tone))
        ends: dict[str, list[int]] = {}  # node -> the edges that touch it, in order
        for i, (src, dst, _, _) in enumerate(edges):
            ends.setdefault(src, []).append(i)
            ends.setdefault(dst, []).append(i)
        step, gap, top = 16, 16, 34
        left_x, mid_x, right_x = 16, 300, 690
        out_w, node_w = 150, 220
        width = right_x + node_w + 16

        def height(node):
            return max(40, step * len(ends.get(node, ())) + 10)

        pos: dict[str, tuple[int, int, int]] = {}  # node -> x, y, height
        for column, names, x in (
            ("proxy:", proxy_nodes, mid_x),
            ("svc:", [s.name for s in backends], right_x),
        ):
            y = top
            for name in names:
                pos[column + name] = (x, y, height(column + name))
                y += height(column + name) + gap
        bottom = max([top + 40] + [y + h for _, y, h in pos.values()])
        outside_h = height("outside")
        pos["outside"] = (left_x, max(top, (top + bottom - outside_h) // 2), outside_h)
        bottom = max(bottom, pos["outside"][1] + outside_h)

        proxy_boxes = [pos["proxy:" + name] for name in proxy_nodes]

        def bypass(src, dst):  # an edge from outside that must go around the proxies
            if src != "outside" or not dst.startswith("svc:"):
                return False
            _, y, h = pos[dst]
            return any(py - 8 <= y + h and y <= py + ph + 8 for _, py, ph in proxy_boxes)

        def other_end(node, i):  # where the edge comes from: fewer crossings when sorted
            src, dst = edges[i][:2]
            if bypass(src, dst):
                return 1e6 if node == dst else -1e6
            x, y, h = pos[dst if node == src else src]
            return y + h / 2

        for node, touching in ends.items():
            touching.sort(key=lambda i, node=node: (other_end(node, i), i))

        def port(node, i):
            x, y, h = pos[node]
            slots = ends[node]
            return y + h / 2 + (slots.index(i) - (len(slots) - 1) / 2) * step

        corridor = max([y + h for _, y, h in proxy_boxes], default=top) + 14
        paths, labels = [], []
        for i, (src, dst, label, tone) in enumerate(edges):
            if src not in pos or dst not in pos:
                continue
            x1 = pos[src][0] + (out_w if src == "outside" else node_w)
            x2 = pos[dst][0]
            y1, y2 = port(src, i), port(dst, i)
            mid = (x1 + x2) / 2
            if bypass(src, dst):
                # around the proxies, not behind them: this path bypasses them
                wy = corridor
                corridor += 10
                a, b = mid_x - 12, mid_x + node_w + 12
                d = (
                    f"M{x1},{y1:.1f} C{x1 + 70},{y1:.1f} {a - 70},{wy:.1f} {a},{wy:.1f} "
                    f"L{b},{wy:.1f} C{b + 60},{wy:.1f} {x2 - 60},{y2:.1f} {x2 - 1},{y2:.1f}"
                )
            else:
                d = f"M{x1},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2 - 1},{y2:.1f}"
            colour = "#c62828" if tone == "bad" else "#2e7d32"
            dash = ' stroke-dasharray="5 4"' if tone == "bad" else ""
            paths.append(
                f'<path class="edge edge-{tone}" d="{d}" fill="none" stroke="{colour}" '
                f'stroke-width="1.6"{dash} marker-end="url(#arr)"/>'
            )
            labels.append(
                f'<text x="{x2 - 10}" y="{y2 - 4:.1f}" text-anchor="end" class="elabel" '
                f'fill="{colour}">{escape(_short(label, 30))}</text>'
            )
        bottom = max(bottom, corridor)
        out = [
            f'<svg id="stack-diagram" viewBox="0 0 {width} {bottom + 8:.0f}" width="100%" '
            f'style="max-width:{width}px" role="img" aria-label="What talks to what">',
            '<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
            'markerHeight="6" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker>'
            "</defs>",
            f'<text x="{left_x}" y="16" class="col">Other machines</text>',
            f'<text x="{mid_x}" y="16" class="col">Proxies</text>' if proxy_nodes else "",
            f'<text x="{right_x}" y="16" class="col">Services</text>',
            *paths,
        ]
        x, y, h = pos["outside"]
        out.append(_node(x, y, out_w, h, "Network", "other machines", "outside"))
        for name in proxy_nodes:
            x, y, h = pos["proxy:" + name]
            kind = next((p.kind for p in proxies if p.source == name), "")
            out.append(_node(x, y, node_w, h, name, kind, "proxy"))
        for s in backends:
            x, y, h = pos["svc:" + s.name]
            out.append(_node(x, y, node_w, h, s.name, s.program or "", "service"))
        out.extend(labels)  # over the nodes and lines
        out.append("</svg>")
        legend = (
            '<figcaption class="note"><span class="key key-bad"></span>nothing on the path asks '
            'for credentials <span class="key key-ok"></span>authenticated or restricted'
            "</figcaption>"
        )
        return '<figure class="diagram">' + "".join(out) + legend + "</figure>"

    def _links(self, services, proxies, model) -> str:
        items = []
        for s in services:
            for port in s.exposures():
                what = port.spec() if hasattr(port, "spec") else "network_mode: host"
                auth = s.authentication()
                tone = "ok" if auth else "bad"
                note = f"asks for {auth}" if auth else "no authentication of its own"
                items.append(
                    f'<li class="link link-{tone}" data-link="published">other machines &rarr; '
                    f"<b>{escape(s.name)}</b> on <code>{escape(what)}</code> "
                    f'<span class="sub">({escape(note)})</span></li>'
                )
        for p in proxies:
            tone = "ok" if p.proxy.protected else "bad"
            note = "authenticated or restricted" if p.proxy.protected else "open to anyone"
            path, line, _ = p.proxy.where
            items.append(
                f'<li class="link link-{tone}" data-link="proxy"><b>{escape(p.source)}</b> '
                f"{escape(p.route)} &rarr; <b>{escape(p.proxy.service.name)}</b> "
                f'<span class="sub">({escape(note)}; <code>{escape(path)}:{line}</code>)'
                "</span></li>"
            )
        for source, job, target in scrape_links(model):
            items.append(
                f'<li class="link" data-link="scrape"><b>{escape(source)}</b> {escape(job)} '
                f"&rarr; <b>{escape(target)}</b></li>"
            )
        if not items:
            return '<h3>Connections</h3><p class="note">No published port and no proxy.</p>'
        return f'<h3>Connections</h3><ul class="links" id="links">{"".join(items)}</ul>'

    def _files(self) -> str:
        r = self.result
        kinds = {}
        if r.stack is not None and r.stack.roots:
            for doc in r.stack.roots[0].documents():
                kinds[doc.path] = doc.kind
        paths = sorted(
            {c.path for c in r.checks}
            | {f.path for f in [*r.findings, *r.suppressed]}
            | {p for f in r.findings for p, *_ in f.related}
        )
        rows = []
        for path in paths:
            kind = kinds.get(path) or self._kind_from_checks(path)
            n_find = sum(1 for f in self.findings if f.path == path)
            n_pass = sum(1 for c in self.passed if c.path == path)
            rows.append(
                f'<tr class="file" data-path="{escape(path)}"><td><code>{escape(path)}</code></td>'
                f"<td>{escape(kind)}</td><td class=num>{n_find}</td><td class=num>{n_pass}</td>"
                "</tr>"
            )
        by_kind = "".join(
            f'<span class="pill" data-kind="{escape(k)}" data-count="{n}">{escape(k)}: {n}</span>'
            for k, n in sorted(r.kinds.items())
        )
        not_checked = ""
        if r.not_checked:
            listed = ", ".join(f"{k}: {n}" for k, n in sorted(r.not_checked.items()))
            not_checked = f'<p class="note">Recognised but not checked yet: {escape(listed)}.</p>'
        return (
            f'<h3>Files <span class="count">{r.files_scanned}</span></h3>'
            f'<p class="kinds" id="files-by-kind">{by_kind}</p>{not_checked}'
            '<table class="grid" id="files"><thead><tr><th>File</th><th>Kind</th>'
            '<th class="num">Findings</th><th class="num">Passed checks</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _kind_from_checks(self, path: str) -> str:
        for check in self.result.checks:
            if check.path == path:
                rule = self.rules.get(check.rule_id)
                kinds = [k for k in getattr(rule, "kinds", ()) if k not in ("any", "stack")]
                if len(kinds) == 1:
                    return kinds[0]
        return ""

    # controls

    def _controls(self) -> str:
        head = (
            f'<section id="controls"><h2>Controls <span class="count">{len(self.controls)}'
            f"</span></h2>"
        )
        if not self.controls:
            return (
                head + '<p class="note" id="no-controls">No item of the '
                f"{escape(FRAMEWORKS[self.framework])} is mapped to promguard's rules yet; the "
                "findings below are still every problem found.</p></section>"
            )
        order = {"failed": 0, "met": 1, "na": 2}
        controls = sorted(self.controls, key=lambda c: (order[self.status[c.id]], _natural(c.id)))
        return head + "".join(self._control(c) for c in controls) + "</section>"

    def _control(self, control) -> str:
        status = self.status[control.id]
        found = self.control_findings[control.id]
        passed = self.control_passed[control.id]
        rule_ids = self.rules_of[control.id]
        parts = [
            f'<article class="control control-{status}" id="control-{escape(control.id)}" '
            f'data-control="{escape(control.id)}" data-status="{status}" '
            f'data-findings="{len(found)}" data-passed="{len(passed)}">'
            f'<header><span class="badge badge-{status}">{STATUS_LABEL[status]}</span>'
            f'<span class="cid">{escape(control.id)}</span>'
            f"<h3>{escape(control.title)}</h3></header>"
        ]
        if control.description:
            parts.append(f'<p class="desc">{escape(control.description)}</p>')
        if control.pitfalls:
            parts.append(
                '<p class="pitfalls"><span class="label">Guards against</span> '
                + "".join(f'<span class="pill">{escape(p)}</span>' for p in control.pitfalls)
                + "</p>"
            )
        if not rule_ids:
            parts.append('<p class="note">No promguard rule is mapped to this control yet.</p>')
        elif status == "na":
            parts.append(
                '<p class="note">Its rules (' + escape(", ".join(sorted(rule_ids))) + ") found "
                "nothing of theirs to evaluate in the scanned files.</p>"
            )
        if found:
            items = "".join(
                f'<li><a href="#{self.finding_ids[id(f)]}">{self.finding_ids[id(f)]}</a> '
                f'<span class="sev sev-{f.severity}">{escape(f.severity)}</span> '
                f"<code>{escape(f.rule_id)}</code> {_text(f.message)} "
                f'<span class="sub">{escape(f.path)}:{f.line}</span></li>'
                for f in found
            )
            parts.append(
                f'<h4>Findings <span class="count">{len(found)}</span></h4>'
                f'<ul class="control-findings">{items}</ul>'
            )
        if passed:
            parts.append(self._evidence(passed))
        parts.append("</article>")
        return "".join(parts)

    def _evidence(self, passed) -> str:
        by_rule: dict[str, list] = {}
        for check in passed:
            by_rule.setdefault(check.rule_id, []).append(check)
        rows = []
        for rule_id in sorted(by_rule, key=_natural):
            rule = self.rules.get(rule_id)
            checks = sorted(by_rule[rule_id], key=lambda c: (c.path, c.line, c.object))
            by_file: dict[str, list] = {}
            for check in checks:
                by_file.setdefault(check.path, []).append(check)
            objects = "".join(
                f'<div class="objs"><code class="where">{escape(path)}</code>'
                + "".join(
                    f'<span class="obj" data-line="{c.line}">{_text(c.object)}</span>'
                    for c in group
                )
                + "</div>"
                for path, group in by_file.items()
            )
            rows.append(
                f'<tr data-rule="{escape(rule_id)}" data-count="{len(checks)}">'
                f"<td><code>{escape(rule_id)}</code></td>"
                f"<td>{escape(getattr(rule, 'title', ''))}</td><td>{objects}</td></tr>"
            )
        return (
            f'<details class="evidence" open><summary>Evidence: {len(passed)} passed checks '
            f"by {len(by_rule)} rules</summary>"
            '<table class="grid evidence-table"><thead><tr><th>Rule</th><th>Check</th>'
            f"<th>Passed on</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
        )

    # findings

    def _findings(self) -> str:
        parts = [
            f'<section id="findings"><h2>Findings <span class="count">{len(self.findings)}'
            "</span></h2>"
        ]
        if not self.findings:
            parts.append('<p class="note" id="no-findings">No findings.</p>')
        if self.in_scope:
            parts.append(
                f"<h3>Under the controls of the {escape(FRAMEWORKS[self.framework])} "
                f'<span class="count">{len(self.in_scope)}</span></h3>'
            )
            parts.extend(self._finding(f, "in") for f in self.in_scope)
        if self.out_of_scope:
            parts.append(
                '<h3 id="findings-other">Not mapped to a control of this framework '
                f'<span class="count">{len(self.out_of_scope)}</span></h3>'
                if self.in_scope or self.controls
                else ""
            )
            parts.extend(self._finding(f, "out") for f in self.out_of_scope)
        parts.append("</section>")
        return "".join(parts)

    def _finding(self, f, scope: str) -> str:
        rule = self.rules.get(f.rule_id)
        fid = self.finding_ids[id(f)]
        title = getattr(rule, "title", "") or f.rule_id
        controls = self.controls_of.get(f.rule_id, [])
        meta = []
        if controls:
            meta.append(
                "Controls: "
                + ", ".join(f'<a href="#control-{escape(c)}">{escape(c)}</a>' for c in controls)
            )
        cwe = getattr(rule, "cwe", ()) or ()
        if cwe:
            meta.append(", ".join(escape(c) for c in cwe))
        refs = getattr(rule, "references", ()) or ()
        if refs:
            meta.append(
                "References: "
                + " ".join(
                    f'<a href="{escape(u)}" rel="noreferrer">{escape(_short(u, 60))}</a>'
                    for u in refs
                    if u.startswith("https://")
                )
            )
        related = ""
        if f.related:
            items = []
            for path, line, column, message in f.related:
                code = self._line(path, line)
                items.append(
                    f"<li><code>{escape(path)}:{line}:{column}</code> {_text(message)}"
                    + (f'<pre class="one">{escape(code)}</pre>' if code is not None else "")
                    + "</li>"
                )
            related = f'<div class="related"><h4>See also</h4><ul>{"".join(items)}</ul></div>'
        fix = f'<div class="fix"><h4>Fix</h4><p>{_text(f.fix)}</p></div>' if f.fix else ""
        key_path = f'<span class="keypath">{escape(f.key_path)}</span>' if f.key_path else ""
        return (
            f'<article class="finding sev-border-{escape(f.severity)}" id="{fid}" '
            f'data-severity="{escape(f.severity)}" data-rule="{escape(f.rule_id)}" '
            f'data-scope="{scope}" data-path="{escape(f.path)}" data-line="{f.line}">'
            f'<header><span class="sev sev-{escape(f.severity)}">{escape(f.severity)}</span>'
            f'<span class="fid">{fid}</span><h3>{escape(title)}</h3>'
            f'<code class="rule">{escape(f.rule_id)}</code></header>'
            f'<p class="loc"><code>{escape(f.path)}:{f.line}:{f.column}</code>{key_path}</p>'
            f'<p class="msg">{_text(f.message)}</p>'
            f"{self._excerpt(f)}{related}{fix}"
            + (f'<p class="meta">{" &middot; ".join(meta)}</p>' if meta else "")
            + "</article>"
        )

    def _line(self, path: str, line: int) -> str | None:
        lines = self.source.lines(path)
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1].strip()

    def _excerpt(self, f) -> str:
        lines = self.source.lines(f.path)
        if lines is None:
            return '<p class="note excerpt-missing">The file could not be read for an excerpt.</p>'
        if not lines:
            return ""
        first = min(max(1, f.line), len(lines))
        last = min(max(first, f.end_line), first + MAX_HIGHLIGHT - 1, len(lines))
        start, end = max(1, first - CONTEXT_LINES), min(len(lines), last + CONTEXT_LINES)
        rows = []
        width = len(str(end))
        for number in range(start, end + 1):
            hit = first <= number <= last
            rows.append(
                f'<span class="row{" hit" if hit else ""}"><span class="ln">'
                f"{number:>{width}}</span>{escape(lines[number - 1]) or ' '}</span>"
            )
        return (
            f'<pre class="excerpt" data-start="{start}" data-end="{end}">'
            + "".join(rows)
            + "</pre>"
        )

    def _suppressed(self) -> str:
        head = (
            f'<section id="suppressed"><h2>Suppressed <span class="count">'
            f"{len(self.suppressed)}</span></h2>"
        )
        if not self.suppressed:
            return head + '<p class="note">No finding is suppressed.</p></section>'
        rows = "".join(
            f'<tr class="suppressed" data-severity="{escape(f.severity)}" '
            f'data-rule="{escape(f.rule_id)}"><td><code>{escape(f.path)}:{f.line}</code></td>'
            f'<td><span class="sev sev-{escape(f.severity)}">{escape(f.severity)}</span></td>'
            f"<td><code>{escape(f.rule_id)}</code></td><td>{_text(f.message)}</td>"
            f"<td>{escape(f.suppression or '')}</td></tr>"
            for f in self.suppressed
        )
        return (
            head + '<p class="note">Findings the team accepted with a suppression comment, '
            "and the reason they gave.</p>"
            '<table class="grid"><thead><tr><th>Where</th><th>Severity</th><th>Rule</th>'
            f"<th>Finding</th><th>Reason</th></tr></thead><tbody>{rows}</tbody></table>"
            "</section>"
        )

    def _footer(self) -> str:
        return (
            "<footer>Generated by promguard "
            + escape(__version__)
            + ". Values of secrets in the excerpts are replaced by "
            + f"<code>{MASK}</code>. This file loads nothing from the network.</footer>"
        )


# small pieces


def _text(text: str) -> str:
    """Escaped, with `quoted` parts as code."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", escape(text or ""))


def _card(metric: str, n: int, label: str, tone: str) -> str:
    cls = f" card-{tone}" if tone else ""
    return (
        f'<div class="card{cls}" data-metric="{metric}" data-count="{n}">'
        f'<span class="n">{n}</span><span class="l">{escape(label)}</span></div>'
    )


def _severity_bars(counts: dict[str, int]) -> str:
    top = max([1, *counts.values()])
    rows = []
    for i, severity in enumerate(SEVERITIES):
        n = counts.get(severity, 0)
        w = 150.0 * n / top
        y = 6 + i * 22
        rows.append(
            f'<g class="bar" data-severity="{severity}" data-count="{n}">'
            f'<text x="62" y="{y + 11}" text-anchor="end" font-size="11">{severity}</text>'
            f'<rect x="70" y="{y}" width="150" height="15" rx="2" fill="#f0f0f0"/>'
            f'<rect x="70" y="{y}" width="{w:.1f}" height="15" rx="2" '
            f'fill="{SEVERITY_COLOUR[severity]}"><title>{severity}: {n}</title></rect>'
            f'<text x="{76 + w:.1f}" y="{y + 11.5}" font-size="11" font-weight="700">{n}</text>'
            "</g>"
        )
    return (
        '<svg viewBox="0 0 260 96" width="300" height="111" role="img" '
        'aria-label="Findings by severity">' + "".join(rows) + "</svg>"
    )


def _node(x, y, w, h, title, sub, cls) -> str:
    middle = y + h / 2
    return (
        f'<g class="node node-{cls}"><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6"/>'
        f'<text x="{x + 10}" y="{middle - 2:.1f}" class="nt">{escape(_short(title, 28))}</text>'
        f'<text x="{x + 10}" y="{middle + 12:.1f}" class="ns">{escape(_short(sub, 32))}</text>'
        "</g>"
    )


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _natural(text: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]
