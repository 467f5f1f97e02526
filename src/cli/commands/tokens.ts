import type { Argv, Options } from 'yargs';
import { configError } from '../../errors.js';
import type { QfbenchCommand } from '../command.js';

const TOKENS_OPTIONS: Record<string, Options & { alias?: string }> = {
  dataset: { alias: 'd', type: 'string', array: true, demandOption: true, describe: 'Dataset file (.csv or .jsonl); repeatable' },
  model: {
    alias: 'm',
    type: 'string',
    describe: 'Tokenizer model (ernie-4.0-8k, ernie-3.5-8k, ernie-speed-8k, ernie-speed-128k, ernie-lite-8k, ernie-tiny-8k, ernie-char-8k)',
  },
  'base-url': { type: 'string', describe: 'API base URL (default $QIANFAN_BASE_URL or https://aip.baidubce.com)' },
  sim: { type: 'boolean', default: false, describe: 'Ask the built-in simulator' },
  json: { type: 'boolean', default: false, describe: 'Print JSON' },
};

export const tokensCommand: QfbenchCommand = {
  command: 'tokens',
  flagNames: Object.entries(TOKENS_OPTIONS).flatMap(([name, option]) => [name, ...(option.alias !== undefined ? [option.alias] : [])]),
  describe: "Count each dataset row's input tokens with Qianfan's tokenizer endpoint (and the offline estimate beside it)",
  builder: (yargs: Argv) =>
    yargs
      .options(TOKENS_OPTIONS)
      .example('$0 tokens --sim -d datasets/demo.csv', "Each row's tokens as the simulator's tokenizer counts them")
      .example('$0 tokens -d prompts.csv -m ernie-4.0-8k --json', 'Counted by Qianfan (QIANFAN_AK/QIANFAN_SK set), as JSON'),
  handler: async (argv) => {
    const { countDatasetTokens } = await import('../../run/count-tokens.js');
    const model = argv.model as string | undefined;
    const { TOKENIZER_MODELS } = await import('../../providers/qianfan/tokenizer.js');
    if (model !== undefined && !TOKENIZER_MODELS.includes(model.toLowerCase())) {
      throw configError(`-m ${model}: the tokenizer endpoint counts for ${TOKENIZER_MODELS.join(', ')}`);
    }
    const result = await countDatasetTokens({
      datasets: argv.dataset as string[],
      ...(model !== undefined ? { model: model.toLowerCase() } : {}),
      ...(argv['base-url'] !== undefined ? { baseUrl: argv['base-url'] as string } : {}),
      sim: argv.sim === true,
    });
    if (argv.json === true) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    const rows = [
      ['row', 'chars', 'tokens', 'local estimate'],
      ...result.rows.map((row) => [row.where, String(row.chars), String(row.tokens), String(row.estimate)]),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows)
      process.stdout.write(`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}\n`);
    process.stdout.write(
      `total: ${result.totalTokens} tokens over ${result.rows.length} rows (${result.calls} tokenizer calls; local ` +
        `estimate ${result.totalEstimate}, ${result.estimateErrorPct.toFixed(1)}% off)${result.simulated ? ' [SIMULATED]' : ''}\n`,
    );
  },
};
