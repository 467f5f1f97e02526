/** A cell's scores as one console line, for runs whose assertions name metrics (others have the pass rate only). */
import type { CellAssertions } from '../metrics/types.js';
import { formatScore } from './judge-request.js';

/** `scores ERNIE-Speed-8K: mean 0.8; facts 0.833 (2 passed, 1 failed); style 0.5 (2 passed, 1 failed)`, or undefined without metrics. */
export function scoreLine(label: string, counts: CellAssertions): string | undefined {
  if (counts.metrics === undefined) return undefined;
  const score = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : formatScore(value));
  const metrics = Object.entries(counts.metrics).map(([name, m]) => `${name} ${score(m.score)} (${m.passed} passed, ${m.failed} failed)`);
  return `scores ${label}: mean ${score(counts.score)}; ${metrics.join('; ')}`;
}
