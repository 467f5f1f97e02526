import type { Argv } from 'yargs';
import { ModelsOptionsSchema, type ModelsOptions } from '../../config/command-options.js';
import { BUILT_IN_CATALOG, mergeCatalogs } from '../../qianfan/spec/catalog.js';
import { loadCatalogFile } from '../../providers/qianfan/catalog-file.js';
import type { QfbenchCommand } from '../command.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';

const MODELS_FLAGS: FlagTable<keyof ModelsOptions> = {
  json: { type: 'boolean' },
  catalog: { type: 'string' },
};

export const modelsCommand: QfbenchCommand = {
  command: 'models',
  flagNames: flagNamesOf(MODELS_FLAGS),
  describe: 'List the model catalog: endpoint, input limits, output limit, accepted parameters',
  builder: (yargs: Argv) =>
    yargs
      .options(yargsOptionsOf(ModelsOptionsSchema, MODELS_FLAGS))
      .example('$0 models', 'Every model with its endpoint suffix, limits and accepted parameters')
      .example('$0 models --catalog my-models.json --json', 'The catalog with entries of your own, as JSON'),
  handler: async (argv) => {
    const options = parseFlags(ModelsOptionsSchema, MODELS_FLAGS, argv);
    const catalogFile = options.catalog;
    const models = catalogFile === undefined ? BUILT_IN_CATALOG.models : mergeCatalogs(BUILT_IN_CATALOG, await loadCatalogFile(catalogFile)).models;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
      return;
    }
    const rows = [
      ['model', 'endpoint', 'max chars', 'max tokens', 'max output', 'parameters'],
      ...models.map((model) => [
        model.name,
        model.customOnly === true ? '(--endpoint)' : model.endpoint,
        model.maxInputChars === null ? '-' : String(model.maxInputChars),
        model.maxInputTokens === null ? '-' : String(model.maxInputTokens),
        String(model.maxOutputTokens),
        model.params.filter((param) => param !== 'system' && param !== 'user_id').join(','),
      ]),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows)
      process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`);
  },
};
