import type { Argv, CommandModule } from 'yargs';
import { BUILT_IN_CATALOG } from '../../providers/qianfan/catalog.js';

export const modelsCommand: CommandModule = {
  command: 'models',
  describe: 'List the model catalog: endpoint, input limits, output limit, accepted parameters',
  builder: (yargs: Argv) => yargs.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }),
  handler: (argv) => {
    const models = BUILT_IN_CATALOG.models;
    if (argv.json === true) {
      process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
      return;
    }
    const rows = [
      ['model', 'endpoint', 'max chars', 'max tokens', 'max output', 'parameters'],
      ...models.map((model) => [
        model.name,
        model.endpoint,
        String(model.maxInputChars),
        model.maxInputTokens === null ? '-' : String(model.maxInputTokens),
        String(model.maxOutputTokens),
        model.params.filter((param) => param !== 'system' && param !== 'user_id').join(','),
      ]),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`);
  },
};
