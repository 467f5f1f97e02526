/**
 * `qfbench tokens`: the server's token count of every dataset row (system plus each message, as
 * the server counts prompt_tokens for chat), next to the offline estimate.
 */
import { promptPieces } from '../cost/prompt-pieces.js';
import { estimateTokens } from '../qianfan/spec/token-estimate.js';
import { loadDataset } from '../dataset/load.js';
import type { DatasetRow } from '../dataset/types.js';
import { DEFAULT_TIMEOUTS } from '../providers/http.js';
import { createServerTokenizer, type ServerTokenizer } from '../providers/qianfan/tokenizer.js';
import { openTarget } from './open-target.js';

export interface RowTokens {
  where: string;
  id: string;
  chars: number;
  tokens: number;
  estimate: number;
}

export interface DatasetTokens {
  rows: RowTokens[];
  totalTokens: number;
  totalEstimate: number;
  /** (estimate - server) / server, in percent. */
  estimateErrorPct: number;
  calls: number;
  simulated: boolean;
}

/** The pieces of a row the server counts for chat: `system` and every message content. */
export function rowTexts(row: DatasetRow): string[] {
  return promptPieces(row, 'chat');
}

export async function countRowTokens(tokenizer: ServerTokenizer, row: DatasetRow): Promise<number> {
  const counts = await Promise.all(rowTexts(row).map((text) => tokenizer.count(text)));
  return counts.reduce((sum, count) => sum + count, 0);
}

export async function countDatasetTokens(options: {
  datasets: string[];
  model?: string;
  baseUrl?: string;
  sim: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<DatasetTokens> {
  const rows: DatasetRow[] = [];
  for (const file of options.datasets) rows.push(...(await loadDataset(file)));
  const target = await openTarget(
    { provider: 'qianfan', sim: options.sim, baseUrl: options.baseUrl },
    { env: options.env, connections: 8, timeouts: DEFAULT_TIMEOUTS },
  );
  try {
    if (target.auth.protocol !== 'qianfan') throw new Error(`openTarget gave a ${target.auth.protocol} target for the v1 tokenizer`);
    const tokenizer = createServerTokenizer({
      baseUrl: target.baseUrl,
      auth: target.auth.auth,
      dispatcher: target.dispatcher,
      timeouts: target.timeouts,
      ...(options.model !== undefined ? { model: options.model } : {}),
    });
    const counted = await Promise.all(
      rows.map(async (row): Promise<RowTokens> => {
        const texts = rowTexts(row);
        return {
          where: `${row.source.file}:${row.source.line}`,
          id: row.id,
          chars: texts.reduce((sum, text) => sum + [...text].length, 0),
          tokens: await countRowTokens(tokenizer, row),
          estimate: texts.reduce((sum, text) => sum + estimateTokens(text), 0),
        };
      }),
    );
    const totalTokens = counted.reduce((sum, row) => sum + row.tokens, 0);
    const totalEstimate = counted.reduce((sum, row) => sum + row.estimate, 0);
    return {
      rows: counted,
      totalTokens,
      totalEstimate,
      estimateErrorPct: totalTokens > 0 ? ((totalEstimate - totalTokens) / totalTokens) * 100 : 0,
      calls: tokenizer.calls,
      simulated: target.simulated,
    };
  } finally {
    await target.close();
  }
}
