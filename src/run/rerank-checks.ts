/**
 * The pre-check of reranker cells: every row must give a query and documents the platform accepts,
 * and every `top_n` be a positive integer (qianfan/spec/reranker-limits.ts, the rules the simulator
 * applies). One line per problem, `FILE:LINE` first, at most MAX_LISTED of them.
 */
import type { Params } from '../providers/types.js';
import { documentsOfRow } from '../dataset/documents.js';
import type { DatasetRow } from '../dataset/types.js';
import type { ModelEntry } from '../qianfan/spec/catalog.js';
import { rerankInputProblem, topNProblem } from '../qianfan/spec/reranker-limits.js';

const MAX_LISTED = 10;

export function rerankFindings(models: readonly ModelEntry[], paramSets: readonly Params[], rows: readonly DatasetRow[]): string[] {
  const problems: string[] = [];
  const topNs = new Set(paramSets.map((params) => params.top_n));
  for (const topN of topNs) {
    const problem = topNProblem(topN);
    if (problem !== undefined) problems.push(`-p top_n=${String(topN)}: ${problem}`);
  }
  // The strictest query limit of the run's rerankers (each row goes to all of them).
  const maxQueryChars = Math.min(...models.map((model) => model.maxInputChars ?? Number.POSITIVE_INFINITY));
  for (const row of rows) {
    const where = `${row.source.file}:${row.source.line}`;
    const documents = documentsOfRow(row);
    if (!documents.ok) {
      problems.push(`${where}: ${documents.reason}`);
      continue;
    }
    const query = row.messages.at(-1)?.content;
    const problem = rerankInputProblem(query, documents.documents, Number.isFinite(maxQueryChars) ? maxQueryChars : undefined);
    if (problem !== undefined) problems.push(`${where}: ${problem}`);
  }
  if (problems.length <= MAX_LISTED) return problems;
  return [...problems.slice(0, MAX_LISTED), `… and ${problems.length - MAX_LISTED} more`];
}
