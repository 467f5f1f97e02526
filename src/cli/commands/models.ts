import type { Argv, CommandModule } from 'yargs';
import { BUILT_IN_CATALOG, mergeCatalogs } from '../../providers/qianfan/catalog.js';
import { loadCatalogFile } from '../../providers/qianfan/catalog-file.js';

export const modelsCommand: CommandModule = {
  command: 'models',
  describe: 'List the model catalog: endpoint, input limits, output limit, accepted parameters',
  builder: (yargs: Argv) =>
    yargs.option('json', { type: 'boolean', default: false, describe: 'Print JSON' }).option('catalog', { type: 'string', describe: 'JSON file of extra or overriding model entries' }),
  handler: async (argv) => {
    const catalogFile = argv.catalog as string | undefined;
    const models = catalogFile === undefined ? BUILT_IN_CATALOG.models : mergeCatalogs(BUILT_IN_CATALOG, await loadCatalogFile(catalogFile)).models;
    if (argv.json === true) {
      process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
      return;
    }
    const rows = [
      ['model', 'endpoint', 'max chars', 'max tokens', 'max output', 'parameters'],
      ...models.map((model) => [
        model.name,
        model.endpoint,
        model.maxInputChars === null ? '-' : String(model.maxInputChars),
        model.maxInputTokens === null ? '-' : String(model.maxInputTokens),
        String(model.maxOutputTokens),
        model.params.filter((param) => param !== 'system' && param !== 'user_id').join(','),
      ]),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`);
  },
};
