/** Rows and judgements for the assertion tests: a row with assertions, judged against one record. */
import { join } from 'node:path';
import type { DatasetRow } from '../../src/dataset/types.js';
import { judgeRequest, type RequestJudgement } from '../../src/eval/judge-request.js';
import { compileRowAssertions } from '../../src/eval/row-assertions.js';
import type { RequestRecord } from '../../src/metrics/types.js';
import { makeRecord } from '../report/fixtures.js';

export function makeRow(overrides: Partial<DatasetRow> = {}, dir = '/data'): DatasetRow {
  return { id: 'r1', source: { file: join(dir, 'rows.jsonl'), line: 3 }, messages: [{ role: 'user', content: 'hi' }], vars: { lang: 'en' }, ...overrides };
}

export interface JudgeOptions {
  record?: Partial<RequestRecord>;
  stream?: boolean;
  replayed?: boolean;
  jsTimeoutMs?: number;
  dir?: string;
  /** The row's threshold (JSONL `threshold`). */
  threshold?: number;
}

/** Compiles `asserts` (a JSONL `assert` list) and judges an ok answer `output` (or `options.record`): the result and reason. */
export async function judge(asserts: unknown[], output: string, options: JudgeOptions = {}): Promise<Pick<RequestJudgement, 'result' | 'reason'>> {
  const { result, reason } = await judgeFully(asserts, output, options);
  return { result, reason };
}

/** As `judge`, with the score and each assertion's outcome. */
export async function judgeFully(asserts: unknown[], output: string, options: JudgeOptions = {}): Promise<RequestJudgement> {
  const row = makeRow({ asserts, ...(options.threshold !== undefined ? { threshold: options.threshold } : {}) }, options.dir);
  const checks = await compileRowAssertions(row, { jsTimeoutMs: options.jsTimeoutMs ?? 1000 });
  return judgeRequest(checks, makeRecord({ output, ...options.record }), {
    stream: options.stream ?? true,
    replayed: options.replayed ?? false,
    context: { rowId: row.id, vars: row.vars, model: 'ERNIE-Speed-8K', params: { temperature: 0.3 } },
  });
}

/** `pass` / `fail` / `skip` of one assertion on `output`. */
export async function resultOf(type: string, value: unknown, output: string, options: JudgeOptions = {}): Promise<string> {
  return (await judge([{ type, value }], output, options)).result;
}
