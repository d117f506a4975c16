/** The report's only stylesheet, inlined: system fonts, light and dark schemes, nothing fetched. */
export const REPORT_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --card: #f6f8fa; --accent: #0969da; --band: rgba(9, 105, 218, 0.18); --fit: #bc4c00;
  --pass: #1a7f37; --fail: #cf222e; --inconclusive: #9a6700; --bar: #8250df; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --card: #151b23;
    --accent: #4493f8; --band: rgba(68, 147, 248, 0.25); --fit: #f0883e;
    --pass: #3fb950; --fail: #f85149; --inconclusive: #d29922; --bar: #ab7df8; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 980px; padding: 24px; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 4px; } h2 { font-size: 1.25rem; margin: 32px 0 8px; }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
.muted, caption, .note { color: var(--muted); } .note { font-size: 0.9rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 12px 0; }
.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; margin: 12px 0; }
.counts div { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; }
.counts b { display: block; font-size: 1.2rem; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; border-radius: 4px; padding: 0 8px; font-weight: 700; color: #fff; }
.verdict.pass { background: var(--pass); } .verdict.fail { background: var(--fail); }
.verdict.inconclusive { background: var(--inconclusive); } .verdict.none { background: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; }
td.wrap { overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
.chart-box { overflow-x: auto; }
.chart { width: 100%; height: auto; display: block; }
.chart text { fill: var(--muted); font-size: 12px; }
.chart .axis-title { fill: var(--fg); font-size: 12px; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .band { fill: var(--band); stroke: none; }
.chart .median { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .dot { fill: var(--accent); }
.chart .fit { fill: none; stroke: var(--fit); stroke-width: 2; stroke-dasharray: 6 4; }
.chart .bar { fill: var(--bar); }
.chart .label, .chart .value { fill: var(--fg); font-size: 12px; }
.legend span { margin-right: 16px; } .legend i { display: inline-block; width: 18px; height: 4px; vertical-align: middle; margin-right: 4px; }
details { margin: 6px 0; } summary { cursor: pointer; color: var(--muted); }
/* A phone (390 px): the page keeps its width, wide tables scroll inside themselves, and a chart
   keeps a minimum drawing width (scrolling in its box) so its 12-unit text stays about 11 px. */
@media (max-width: 600px) {
  body { padding: 12px; font-size: 14px; }
  table { display: block; overflow-x: auto; }
  .chart { min-width: 560px; }
  .counts { grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); }
}
`;
