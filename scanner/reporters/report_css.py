"""The report's styles: system fonts, printable, inline (the page loads nothing)."""

CSS = """
:root { --ink:#1d2330; --muted:#5f6b7a; --line:#dfe3e8; --bg:#f6f7f9; --card:#ffffff;
  --failed:#c62828; --met:#2e7d32; --na:#8a8f98; }
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--ink); font: 14px/1.5 -apple-system, BlinkMacSystemFont,
  "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas,
  "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 12.5px; }
h1 { font-size: 28px; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid
  var(--ink); }
h3 { font-size: 16px; margin: 18px 0 8px; }
h4 { font-size: 13px; margin: 12px 0 4px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
a { color: #1f5fbf; }
.count { display: inline-block; min-width: 1.6em; padding: 0 6px; margin-left: 6px;
  border-radius: 10px; background: #e8ebef; color: var(--muted); font-size: 12px;
  text-align: center; vertical-align: middle; font-weight: 600; }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .12em; font-size: 11px;
  color: var(--muted); font-weight: 700; }
.scope { margin: 0 0 12px; color: var(--muted); }
.verdict { display: inline-block; margin: 4px 0 10px; padding: 8px 14px; border-radius: 6px;
  font-weight: 700; border-left: 5px solid; background: var(--card); }
.verdict-failed { border-color: var(--failed); color: var(--failed); }
.verdict-met { border-color: var(--met); color: var(--met); }
.verdict-na { border-color: var(--na); color: var(--muted); }
.toc a { margin-right: 16px; font-weight: 600; text-decoration: none; }
.alert { margin: 12px 0; padding: 10px 14px; border: 1px solid var(--failed);
  background: #fdecea; border-radius: 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(112px, 1fr));
  gap: 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 12px; border-top: 4px solid #b8c0cc; }
.card .n { display: block; font-size: 26px; font-weight: 700; line-height: 1.1; }
.card .l { color: var(--muted); font-size: 12px; }
.card-failed { border-top-color: var(--failed); } .card-failed .n { color: var(--failed); }
.card-met { border-top-color: var(--met); } .card-met .n { color: var(--met); }
.card-na { border-top-color: var(--na); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 14px; }
.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 16px 8px; }
.chart figcaption { color: var(--muted); font-size: 12px; }
.chart text { font-family: inherit; fill: var(--ink); }
.note { color: var(--muted); font-size: 13px; }
.sub { color: var(--muted); font-size: 12px; }
table.grid { width: 100%; border-collapse: collapse; background: var(--card);
  border: 1px solid var(--line); font-size: 13px; }
.grid th, .grid td { text-align: left; vertical-align: top; padding: 6px 8px;
  border-bottom: 1px solid var(--line); }
.grid th { background: #eef1f4; font-size: 12px; color: #3b4656; }
.grid td.num, .grid th.num { text-align: right; }
.pill { display: inline-block; margin: 1px 4px 1px 0; padding: 0 7px; border-radius: 10px;
  background: #eef1f4; font-size: 12px; white-space: nowrap; }
.pill-bad { background: #fdecea; color: var(--failed); font-weight: 600; }
.pill-warn { background: #fff3e0; color: #a04b00; }
.nowrap { white-space: nowrap; }
.path { min-width: 18em; }
.path code { overflow-wrap: anywhere; }
.pill-good { background: #e8f5e9; color: var(--met); font-weight: 600; }
.diagram { margin: 14px 0; background: var(--card); border: 1px solid var(--line);
  border-radius: 8px; padding: 10px; }
.diagram text { font-family: inherit; }
.diagram .col { font-size: 12px; font-weight: 700; fill: var(--muted); text-transform: uppercase;
  letter-spacing: .06em; }
.node rect { fill: #f4f6f9; stroke: #9aa5b4; }
.node-outside rect { fill: #fff8e1; stroke: #e0b84b; }
.node-proxy rect { fill: #eef4ff; stroke: #7d9bd1; }
.node .nt { font-size: 13px; font-weight: 700; fill: var(--ink); }
.node .ns { font-size: 11px; fill: var(--muted); }
.elabel { font-size: 10.5px; font-weight: 600; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; stroke-linejoin: round; }
.key { display: inline-block; width: 22px; height: 0; margin: 0 6px 3px 12px;
  vertical-align: middle; border-top: 2px solid var(--met); }
.key-bad { border-top: 2px dashed var(--failed); }
ul.links { list-style: none; padding: 0; margin: 0; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; }
ul.links li { padding: 5px 12px; border-bottom: 1px solid var(--line); border-left: 4px solid
  #b8c0cc; }
ul.links li:last-child { border-bottom: 0; }
ul.links li.link-bad { border-left-color: var(--failed); }
ul.links li.link-ok { border-left-color: var(--met); }
.kinds .pill { font-size: 12.5px; }
article.control, article.finding { background: var(--card); border: 1px solid var(--line);
  border-radius: 8px; padding: 12px 16px; margin: 12px 0; break-inside: avoid-page; }
article.control { border-left: 6px solid var(--na); }
article.control-failed { border-left-color: var(--failed); }
article.control-met { border-left-color: var(--met); }
article > header { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
article > header h3 { margin: 0; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff;
  font-size: 12px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.badge-failed { background: var(--failed); } .badge-met { background: var(--met); }
.badge-na { background: var(--na); }
.cid, .fid { font-weight: 700; color: var(--muted); font-family: ui-monospace, SFMono-Regular,
  Menlo, Consolas, "Liberation Mono", monospace; }
.desc { margin: 8px 0 4px; }
.pitfalls .label { color: var(--muted); font-size: 12px; margin-right: 4px; }
ul.control-findings { margin: 4px 0; padding-left: 18px; }
ul.control-findings li { margin: 2px 0; }
details.evidence { margin-top: 8px; }
details.evidence summary { cursor: pointer; font-weight: 600; color: var(--met); }
.evidence-table td:first-child { white-space: nowrap; }
.obj { display: inline-block; margin: 1px 6px 1px 0; padding: 0 6px; border: 1px solid
  #cfe3d0; background: #f3f9f3; border-radius: 4px; font-size: 12px; }
.objs { margin: 1px 0; }
.objs .where { margin-right: 8px; color: var(--muted); font-size: 11.5px; }
.sev { display: inline-block; padding: 1px 8px; border-radius: 4px; color: #fff;
  font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.sev-critical { background: #7b1fa2; } .sev-high { background: #c62828; }
.sev-medium { background: #ef6c00; } .sev-low { background: #1565c0; }
article.finding { border-left: 6px solid #b8c0cc; }
.sev-border-critical { border-left-color: #7b1fa2 !important; }
.sev-border-high { border-left-color: #c62828 !important; }
.sev-border-medium { border-left-color: #ef6c00 !important; }
.sev-border-low { border-left-color: #1565c0 !important; }
.rule { margin-left: auto; color: var(--muted); }
.loc { margin: 6px 0 2px; }
.keypath { margin-left: 10px; color: var(--muted); font-family: ui-monospace, SFMono-Regular,
  Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
.msg { margin: 2px 0 8px; font-weight: 600; }
pre.excerpt { margin: 6px 0; padding: 6px 0; background: #1e2430; color: #e6e9ef;
  border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
pre.excerpt .row { display: block; padding: 0 12px 0 0; }
pre.excerpt .ln { display: inline-block; min-width: 3.2em; padding: 0 10px 0 8px;
  margin-right: 10px; color: #8a93a3; text-align: right; border-right: 1px solid #3a4250;
  user-select: none; }
pre.excerpt .hit { background: #4a3b12; color: #fff; }
pre.excerpt .hit .ln { color: #ffd166; font-weight: 700; }
pre.one { margin: 2px 0 6px; padding: 4px 8px; background: #f1f3f6; border-radius: 4px;
  white-space: pre-wrap; word-break: break-word; }
.related ul { margin: 0; padding-left: 18px; }
.fix { margin-top: 8px; padding: 8px 12px; background: #eef7ee; border-left: 4px solid
  var(--met); border-radius: 4px; }
.fix h4 { margin: 0 0 2px; color: var(--met); }
.fix p { margin: 0; }
.meta { margin: 8px 0 0; font-size: 12px; color: var(--muted); }
footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 12px; }
td code { word-break: break-all; }
@media (max-width: 900px) {
  main { padding: 16px; }
  .pill, .nowrap { white-space: normal; }
  .grid code { word-break: break-all; }
}
@media print {
  html, body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  .no-print { display: none; }
  h2 { break-after: avoid; }
  article.control, article.finding, .card, .chart, .diagram { border-color: #bbb; }
  pre.excerpt { background: #f4f4f4; color: #000; border: 1px solid #ccc; }
  pre.excerpt .hit { background: #ffe9a8; color: #000; }
  pre.excerpt .hit .ln { color: #000; }
  a { color: inherit; text-decoration: none; }
  .cards { grid-template-columns: repeat(auto-fit, minmax(84px, 1fr)); gap: 6px; }
  .card .n { font-size: 20px; }
  .grid { font-size: 10px; }
  .grid code, .pill { font-size: 9.5px; }
  .pill, .nowrap { white-space: normal; }
  .grid code { word-break: break-all; }
  details.evidence summary { list-style: none; }
}
@page { margin: 14mm 12mm; }
"""
