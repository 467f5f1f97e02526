/**
 * The checks that decided the exit code, as k6 prints its thresholds: one line per check with ✓ or
 * ✗, passing ones too, under a line with the exit code they add up to.
 */
import type { RunChecks } from '../metrics/types.js';
import { terminalSafe } from '../util/terminal-text.js';
import { painter } from './console-table.js';
import { displayWidth, truncateToWidth } from './text-width.js';

export interface ConsoleLinesOptions {
  color?: boolean;
  /** Lines are cut to this many terminal columns; undefined: never cut. */
  width?: number;
}

export const PASS_MARK = '✓';
export const FAIL_MARK = '✗';

const printable = (text: string): string => terminalSafe(text, { newlines: false });

export function checkLines(checks: RunChecks, options: ConsoleLinesOptions = {}): string[] {
  const paint = painter(options.color === true);
  const cut = (line: string, indent = 0): string => (options.width !== undefined ? truncateToWidth(line, Math.max(1, options.width - indent)) : line);
  const passed = checks.results.filter((result) => result.pass).length;
  const head = `checks: ${passed} of ${checks.results.length} passed — exit code ${checks.exitCode} (${checks.status})`;
  const lines = [paint(cut(head), checks.exitCode === 0 ? 'green' : 'red')];
  for (const result of checks.results) {
    const mark = result.pass ? PASS_MARK : FAIL_MARK;
    const cell = result.cell !== undefined ? ` · ${printable(result.cell)}` : '';
    const prefix = `  ${mark} `;
    const text = cut(`${printable(result.name)}${cell}: ${printable(result.detail)}`, displayWidth(prefix));
    lines.push(`  ${paint(mark, result.pass ? 'green' : 'red')} ${text}`);
  }
  if (checks.abortReason !== undefined && !checks.results.some((result) => result.detail === checks.abortReason))
    lines.push(paint(cut(`  run aborted: ${printable(checks.abortReason)}`), 'red'));
  return lines;
}
