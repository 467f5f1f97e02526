/**
 * The pre-check of text-to-image cells: every parameter set within the SDXL ranges and every row's
 * prompt non-empty and short enough (qianfan/spec/text2image-limits.ts, the rules the simulator
 * applies). One line per problem, at most MAX_LISTED of them.
 */
import { formatParams } from '../config/params.js';
import type { DatasetRow } from '../dataset/types.js';
import type { Params } from '../providers/types.js';
import { text2imageParamProblem, text2imagePromptProblem } from '../qianfan/spec/text2image-limits.js';

const MAX_LISTED = 10;

export function text2imageFindings(paramSets: readonly Params[], rows: readonly DatasetRow[]): string[] {
  const problems: string[] = [];
  for (const params of paramSets) {
    const problem = text2imageParamProblem(params);
    if (problem !== undefined) problems.push(`-p ${formatParams(params)}: ${problem}`);
  }
  for (const row of rows) {
    const problem = text2imagePromptProblem(row.messages.at(-1)?.content);
    if (problem !== undefined) problems.push(`${row.source.file}:${row.source.line}: ${problem}`);
  }
  if (problems.length <= MAX_LISTED) return problems;
  return [...problems.slice(0, MAX_LISTED), `… and ${problems.length - MAX_LISTED} more`];
}
