/** Look of every chart (no Vega import here, so chart specs can be built without loading Vega). */

/** Qualitative palette (Tableau 10): distinct, and readable on the white chart card. */
export const SERIES_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'] as const;

export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", sans-serif';

/** Default chart width in pixels; the page scales the SVG down on narrow screens. */
export const CHART_WIDTH = 440;
