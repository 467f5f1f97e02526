/**
 * `qfbench tokens`: the server's token count of every dataset row (system plus each message, as
 * the server counts prompt_tokens for chat), next to the offline estimate.
 */
import { estimateTokens } from '../cost/token-estimate.js';
import { loadDataset } from '../dataset/load.js';
import type { DatasetRow } from '../dataset/types.js';
import { createAgent, DEFAULT_TIMEOUTS } from '../providers/http.js';
import { DEFAULT_V1_BASE_URL, qianfanAuthFromEnv } from '../providers/qianfan/credentials.js';
import { createServerTokenizer, type ServerTokenizer } from '../providers/qianfan/tokenizer.js';
import { startSimulator } from '../sim/index.js';

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

/** The pieces of a row the server counts: `system` and every message content. */
export function rowTexts(row: DatasetRow): string[] {
  return [...(row.system !== undefined ? [row.system] : []), ...row.messages.map((message) => message.content)];
}

export async function countRowTokens(tokenizer: ServerTokenizer, row: DatasetRow): Promise<number> {
  const counts = await Promise.all(rowTexts(row).map((text) => tokenizer.count(text)));
  return counts.reduce((sum, count) => sum + count, 0);
}

export async function countDatasetTokens(options: { datasets: string[]; model?: string; baseUrl?: string; sim: boolean; env?: NodeJS.ProcessEnv }): Promise<DatasetTokens> {
  const env = options.env ?? process.env;
  const rows: DatasetRow[] = [];
  for (const file of options.datasets) rows.push(...(await loadDataset(file)));
  const simulator = options.sim ? await startSimulator() : undefined;
  const agent = createAgent({ connections: 8, timeouts: DEFAULT_TIMEOUTS });
  try {
    const tokenizer = createServerTokenizer({
      baseUrl: simulator?.url ?? options.baseUrl ?? env.QIANFAN_BASE_URL ?? DEFAULT_V1_BASE_URL,
      auth: simulator !== undefined ? { kind: 'oauth', credentials: simulator.credentials } : qianfanAuthFromEnv(env),
      dispatcher: agent,
      timeouts: DEFAULT_TIMEOUTS,
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
      simulated: simulator !== undefined,
    };
  } finally {
    await agent.close();
    await simulator?.close();
  }
}
