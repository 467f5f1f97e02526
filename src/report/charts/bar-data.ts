/** Shared shape of the per-cell bar charts: one bar per cell (and per kind, for grouped bars). */
export interface BarDatum {
  /** The cell's label; bars keep the order of the cells in the summary. */
  series: string;
  /** What the bar measures when a chart groups or stacks several (legend entry). */
  kind: string;
  value: number;
  /** Text drawn at the end of the bar. */
  text: string;
}

/** Height of a horizontal bar chart with `rows` bars (or groups of bars). */
export function barChartHeight(rows: number, perRow = 24): number {
  return Math.max(48, rows * perRow);
}
