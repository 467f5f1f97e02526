/**
 * Charts: Vega-Lite: declarative, well-maintained, renders to static SVG server-side so the report
 * stays a single offline file with no script.
 *
 * Each chart module builds a Vega-Lite spec (pure data in, spec out, testable without rendering);
 * this module compiles it to Vega, runs a headless View (renderer 'none', so no canvas or DOM is
 * needed) and asks it for SVG markup, which the page inlines. Without a canvas package, Vega
 * estimates text widths instead of measuring them: labels still render, their layout is only
 * approximate.
 *
 * The markup is Vega's own, with data text escaped by Vega. It is post-processed to drop the XML
 * namespace declarations (the HTML parser puts inline `<svg>` in the SVG namespace anyway) so the
 * page never spells an `http://` address, and checked for anything executable before use.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { escapeHtml } from '../html-kit.js';
import { CHART_FONT, SERIES_COLORS } from './theme.js';

type Config = NonNullable<NonNullable<Parameters<typeof compile>[1]>['config']>;

const CONFIG: Config = {
  font: CHART_FONT,
  background: '#ffffff',
  padding: 8,
  // Per-mark ARIA descriptions would repeat every (untrusted) label inside the SVG; the page's
  // tables carry the same figures, and each SVG gets one aria-label of its own.
  aria: false,
  view: { stroke: '#d8dde3' },
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#1b1f24', titleColor: '#1b1f24', gridColor: '#eceff2', labelLimit: 320 },
  legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 320, orient: 'bottom', direction: 'vertical', symbolStrokeWidth: 3 },
  title: { fontSize: 13, anchor: 'start' },
  range: { category: [...SERIES_COLORS] },
  line: { strokeWidth: 2 },
  bar: { cornerRadiusEnd: 2 },
};

const quietLogger = vega.logger(vega.Error);

/** Elements Vega never produces for our specs; seeing one means something went badly wrong. */
const FORBIDDEN_TAG = /^<\/?(?:script|foreignObject|iframe|object|embed|image|img|use|a|style|link)\b/i;

/** True when a tag (attribute values escaped by Vega) is executable or loads something. */
function isUnsafeTag(tag: string): boolean {
  const withoutValues = tag.replace(/"[^"]*"/g, '""');
  return FORBIDDEN_TAG.test(tag) || /\s(?:on[a-z]+|href|xlink:href|src)\s*=/i.test(withoutValues);
}

/**
 * Render a Vega-Lite spec to an SVG string ready to inline in HTML. `label` becomes the SVG's
 * accessible name.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec, label: string): Promise<string> {
  const { spec: vegaSpec } = compile(spec, { config: CONFIG, logger: quietLogger });
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return cleanSvg(svg, label);
  } finally {
    view.finalize();
  }
}

/** Drop namespace URLs, make any address in text non-literal, add the accessible name. */
export function cleanSvg(svg: string, label: string): string {
  const cleaned = svg
    .replace(/\s+xmlns(?::xlink)?="[^"]*"/g, '')
    .replace(/:\/\//g, ':&#47;&#47;')
    .replace(/^<svg\b/, `<svg role="img" aria-label="${escapeHtml(label)}"`);
  if (!cleaned.startsWith('<svg') || (cleaned.match(/<[^>]*>/g) ?? []).some(isUnsafeTag)) {
    throw new Error('chart rendering produced unexpected SVG markup');
  }
  return cleaned;
}
