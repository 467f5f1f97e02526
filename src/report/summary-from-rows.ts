/**
 * A summary rebuilt from a run folder's requests.csv alone, for `qfbench report DIR` on a run that
 * was killed before it wrote summary.json. Each cell's outcomes, histograms, tokens, windows (per
 * session) and assertion tallies come from its rows, the same way the run adds them up; what rows do
 * not keep is left out and said: inter-chunk gaps (interChunkMs stays empty) and cost. The run's
 * settings come from run.json when the folder has one.
 */
import { CellRecorder } from '../metrics/cell-recorder.js';
import { storedRowWindow } from '../metrics/request-record.js';
import { cellLabel } from '../plan/plan.js';
import { METRICS_DEFINITION_VERSION, type CellAssertions, type RequestRecord, type RunSummary } from '../metrics/types.js';
import { SUMMARY_SCHEMA_VERSION } from '../metrics/summary-schema.js';
import { round3 } from '../util/round.js';
import { TOOL_VERSION } from '../version.js';
import type { RunManifest } from './run-manifest.js';

/** `temperature=0.3;top_p=0.8` back to parameters (numbers and booleans as such). */
function paramsOf(text: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of text.split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const raw = pair.slice(at + 1);
    const number = Number(raw);
    params[pair.slice(0, at)] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(number) ? number : raw;
  }
  return params;
}

interface CellRows {
  recorder: CellRecorder;
  assertions: { passed: number; failed: number; errored: number; skipped: number; any: boolean };
}

const ERRORED = new Set(['failed', 'throttled', 'timeout']);

export async function summaryFromRows(rows: AsyncIterable<RequestRecord>, manifest: RunManifest | undefined): Promise<RunSummary> {
  const cells = new Map<string, CellRows>();
  for await (const record of rows) {
    let cell = cells.get(record.cellId);
    if (cell === undefined) {
      const label = cellLabel(record.model, record.params);
      const recorder = new CellRecorder({ id: record.cellId, label, model: record.model, endpoint: record.endpoint, params: paramsOf(record.params) });
      cell = { recorder, assertions: { passed: 0, failed: 0, errored: 0, skipped: 0, any: false } };
      cells.set(record.cellId, cell);
    }
    cell.recorder.record(record, storedRowWindow(record));
    const tally = cell.assertions;
    if (record.assertResult !== undefined && record.assertResult !== 'none') {
      tally.any = true;
      if (record.outcome !== 'ok' && ERRORED.has(record.outcome) && record.attempts > 0) tally.errored++;
      else if (record.assertResult === 'pass') tally.passed++;
      else if (record.assertResult === 'fail') tally.failed++;
      else tally.skipped++;
    }
  }
  const ordered = [...cells.values()].sort((a, b) => Number(a.recorder.identity.id.slice(1)) - Number(b.recorder.identity.id.slice(1)));
  const config = manifest?.config ?? {};
  const sessions = manifest?.sessions ?? [];
  const startedAt = sessions[0]?.startedAt ?? new Date(0).toISOString();
  const lastSession = sessions[sessions.length - 1];
  const endedAt = lastSession?.endedAt ?? lastSession?.startedAt ?? startedAt;
  const summary: RunSummary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    tool: { name: 'qfbench', version: manifest?.tool.version ?? TOOL_VERSION },
    run: {
      startedAt,
      endedAt,
      durationMs: round3(Math.max(0, Date.parse(endedAt) - Date.parse(startedAt))),
      simulated: config['sim'] === true,
      provider: typeof config['provider'] === 'string' ? config['provider'] : 'unknown',
      baseUrl: typeof config['baseUrl'] === 'string' ? config['baseUrl'] : '',
      datasets: Array.isArray(config['datasets']) ? config['datasets'].map((file) => ({ file: String(file), rows: 0 })) : [],
      models: [...new Set(ordered.map((cell) => cell.recorder.identity.model))],
      paramGrid: {},
      repeat: typeof config['repeat'] === 'number' ? config['repeat'] : 1,
      concurrency: Array.isArray(config['concurrency']) ? Math.max(...config['concurrency'].map(Number)) : 0,
      stream: config['stream'] !== false,
      seed: typeof config['seed'] === 'number' ? config['seed'] : 0,
      // The folder had no summary: the run never got to write one.
      interrupted: true,
      metricsDefinitionVersion: METRICS_DEFINITION_VERSION,
      ...(manifest !== undefined ? { plan: manifest.plan, sessions: manifest.sessions } : {}),
      ...(manifest?.shard !== undefined ? { shard: manifest.shard } : {}),
      rebuiltFromRows: true,
    },
    cells: ordered.map(({ recorder, assertions }) => {
      const cell = recorder.summary();
      if (assertions.any) cell.assertions = assertionSummary(assertions);
      return cell;
    }),
  };
  return summary;
}

function assertionSummary(tally: CellRows['assertions']): CellAssertions {
  const checked = tally.passed + tally.failed + tally.errored;
  return {
    passed: tally.passed,
    failed: tally.failed,
    errored: tally.errored,
    skipped: tally.skipped,
    passRate: checked > 0 ? round3(tally.passed / checked) : null,
  };
}
