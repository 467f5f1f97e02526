/** Text of comparison figures, shared by compare.md, compare.html and the confidence statements. */
import { formatCny } from '../util/format-cny.js';
import type { Interval } from './stats.js';

export type FigureUnit = 'ms' | 'rate' | 'per-second' | 'tokens' | 'cny';

const DIGITS: Record<FigureUnit, number> = { ms: 1, rate: 2, 'per-second': 2, tokens: 1, cny: 4 };
const SUFFIX: Record<FigureUnit, string> = { ms: ' ms', rate: ' pp', 'per-second': '/s', tokens: '', cny: ' CNY' };
export const NONE = '–';

function scaled(unit: FigureUnit, value: number): number {
  return unit === 'rate' ? value * 100 : value;
}

/** `magnitude` (already formatted, no sign) with the sign of `value`; no sign when it shows as 0. */
function withSign(magnitude: string, value: number): string {
  if (Number(magnitude.replace(/[^0-9.]/g, '')) === 0) return magnitude;
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${magnitude}`;
}

function signed(value: number, digits: number): string {
  return withSign(Math.abs(value).toFixed(digits), value);
}

/** A value of one side: `123.4`, `1.25%`, `¥0.0123`. */
export function formatValue(unit: FigureUnit, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NONE;
  if (unit === 'rate') return `${(value * 100).toFixed(2)}%`;
  if (unit === 'cny') return `¥${formatCny(value)}`;
  return value.toFixed(DIGITS[unit]);
}

/** A signed difference with its unit: `+12.3 ms`, `−0.50 pp`. */
export function formatDelta(unit: FigureUnit, delta: number | null): string {
  if (delta === null || !Number.isFinite(delta)) return NONE;
  const value = scaled(unit, delta);
  const magnitude = unit === 'cny' ? formatCny(Math.abs(value)) : Math.abs(value).toFixed(DIGITS[unit]);
  return `${withSign(magnitude, value)}${SUFFIX[unit]}`;
}

/** `+12.3%`, `+∞%` (from a base of 0), or a dash. */
export function formatRelative(relative: number | null): string {
  if (relative === null || Number.isNaN(relative)) return NONE;
  if (!Number.isFinite(relative)) return relative > 0 ? '+∞%' : '−∞%';
  return `${signed(relative * 100, 1)}%`;
}

/** `[+1.2, +9.8] ms`. */
export function formatInterval(unit: FigureUnit, interval: Interval | null): string {
  if (interval === null) return NONE;
  const one = (v: number): string => signed(scaled(unit, v), DIGITS[unit]);
  return `[${one(interval.low)}, ${one(interval.high)}]${SUFFIX[unit]}`;
}

export function formatP(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return NONE;
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** `p = 0.031`, `p < 0.001`. */
export function formatPEquals(p: number | null): string {
  const text = formatP(p);
  return text.startsWith('<') ? `p < ${text.slice(1)}` : `p = ${text}`;
}
