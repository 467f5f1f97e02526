/**
 * Everything a run (or an estimate of one) needs before anything is sent: the catalog, the model
 * targets, the parameter grid and the dataset rows, each validated, and every request checked
 * against the catalog's limits. Any problem is a configuration error naming its place.
 */
import { expandGrid, parseParamFlags, type ParamGrid } from '../config/params.js';
import type { RunConfig } from '../config/run-config.js';
import { loadDataset } from '../dataset/load.js';
import type { DatasetRow } from '../dataset/types.js';
import { loadSessions, sessionTurnRows, type SessionScript } from '../dataset/sessions.js';
import { configError } from '../errors.js';
import type { DatasetInfo } from '../metrics/types.js';
import type { ModelTarget } from '../plan/plan.js';
import { BUILT_IN_CATALOG, findModel, mergeCatalogs, similarModelNames, type Catalog, type ModelEntry } from '../qianfan/spec/catalog.js';
import { loadCatalogFile } from '../providers/qianfan/catalog-file.js';
import type { Logger } from '../util/logger.js';
import { checkRequestsBeforeSending } from './check-requests.js';
import { prepareTrace, type PreparedTrace } from './prepare-trace.js';

export interface PreparedRun {
  catalog: Catalog;
  targets: ModelTarget[];
  grid: ParamGrid;
  rows: DatasetRow[];
  datasets: DatasetInfo[];
  /** --sessions: the conversations; `rows` then holds each turn alone (what the checks before sending judge). */
  sessions?: SessionScript[];
  /** --trace: the arrivals to replay (`rows` then holds each arrival's row, in time order). */
  trace?: PreparedTrace;
}

export async function prepareRun(config: RunConfig, logger: Logger): Promise<PreparedRun> {
  const catalog = config.catalog !== undefined ? mergeCatalogs(BUILT_IN_CATALOG, await loadCatalogFile(config.catalog)) : BUILT_IN_CATALOG;
  const targets = resolveTargets(config, catalog);
  const grid = parseParamFlags(config.params);
  const datasets: DatasetInfo[] = [];
  const rows: DatasetRow[] = [];
  for (const file of config.datasets) {
    const loaded = await loadDataset(file);
    if (loaded.length === 0) throw configError(`${file}: the dataset has no rows`);
    datasets.push({ file, rows: loaded.length });
    for (const row of loaded) rows.push(row);
  }
  const sessions = config.sessions !== undefined ? await loadSessions(config.sessions) : undefined;
  if (sessions !== undefined && config.sessions !== undefined) {
    const turns = sessionTurnRows(sessions);
    datasets.push({ file: config.sessions, rows: turns.length });
    // Loops, not spreads: a spread of 100k+ items overflows the call stack.
    for (const turn of turns) rows.push(turn);
  }
  let trace: PreparedTrace | undefined;
  if (config.trace !== undefined) {
    const cells = targets.length * expandGrid(grid).length;
    trace = await prepareTrace({ ...config, trace: config.trace }, { targets, catalog, datasetRows: rows, cells, logger });
    rows.length = 0;
    for (const arrival of trace.arrivals) rows.push(arrival.row);
    if (trace.replay.prompts !== 'dataset') datasets.push({ file: config.trace, rows: trace.arrivals.length });
  }
  checkRequestsBeforeSending({
    targets,
    customEndpoints: new Set(config.endpoints),
    ...(config.baseModel !== undefined ? { baseModel: resolveBaseModel(config.baseModel, config, catalog) } : {}),
    catalog,
    grid,
    rows,
    logger,
    allowUnknownParams: config.allowUnknownParams,
  });
  return { catalog, targets, grid, rows, datasets, ...(sessions !== undefined ? { sessions } : {}), ...(trace !== undefined ? { trace } : {}) };
}

function resolveBaseModel(name: string, config: RunConfig, catalog: Catalog): ModelEntry {
  if (config.endpoints.length === 0) throw configError(`--base-model ${name}: it describes an --endpoint service of your own; give --endpoint SUFFIX too`);
  const entry = findModel(catalog, name);
  if (entry === undefined) throw configError(`--base-model ${name}: not in the model catalog (\`qfbench models\` lists them)`);
  return entry;
}

function resolveTargets(config: RunConfig, catalog: Catalog): ModelTarget[] {
  const targets: ModelTarget[] = config.models.map((name) => {
    const entry = findModel(catalog, name);
    // An OpenAI-compatible server serves whatever models it has; only v1 needs a catalog endpoint.
    if (entry === undefined && config.provider === 'openai') return { model: name, endpoint: name };
    if (entry === undefined) {
      const hints = similarModelNames(catalog, name);
      const hint = hints.length > 0 ? `; did you mean ${hints.join(', ')}?` : '';
      throw configError(`-m ${name}: not in the model catalog${hint} (\`qfbench models\` lists them; --endpoint SUFFIX runs a service of your own)`);
    }
    if (entry.customOnly === true) {
      throw configError(`-m ${name}: ${entry.name} has no preset service; run your service of it with --endpoint SUFFIX --base-model ${entry.name}`);
    }
    return { model: entry.name, endpoint: entry.endpoint, kind: entry.kind ?? 'chat' };
  });
  for (const endpoint of config.endpoints) targets.push({ model: endpoint, endpoint });
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.endpoint)) throw configError(`-m/--endpoint: ${target.model} is given twice`);
    seen.add(target.endpoint);
  }
  return targets;
}
