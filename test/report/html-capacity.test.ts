import { describe, expect, it } from 'vitest';
import type { CapacitySummary } from '../../src/metrics/goodput-schema.js';
import { renderCapacitySection } from '../../src/report/html-capacity.js';
import { sloLines } from '../../src/report/slo-text.js';
import { createSloExtension } from '../../src/run/slo-extension.js';
import { parseRunConfig } from '../../src/config/run-config.js';
import type { FinishedRequest } from '../../src/metrics/request-record.js';
import { makeCell, makeRecord, makeSummary } from './fixtures.js';

const capacity: CapacitySummary = {
  searched: 'concurrency',
  start: 4,
  precision: 0.1,
  stageRequests: 20,
  stages: [
    { load: { kind: 'concurrency', value: 4 }, attainment: 1, meets: true, stoppedEarly: false, quotaBound: false },
    { load: { kind: 'concurrency', value: 8 }, attainment: 0.4, meets: false, stoppedEarly: true, quotaBound: false },
  ],
  answer: { value: 4, low: 4, high: 8 },
  limitedBy: 'endpoint',
  conclusion: '4 in flight met the SLO, 8 in flight did not: the capacity lies between them',
};

/** A sweep of two cells, judged by the SLO extension from made-up requests. */
function judgedSweep() {
  const config = parseRunConfig({ datasets: ['d.csv'], models: ['ernie-speed-8k'], slo: 'ttft<500ms' });
  const extension = createSloExtension(config, false)!;
  const send = (cellId: string, ttftMs: number): void =>
    extension.onRequest!({ record: makeRecord({ cellId, outcome: 'ok', ttftMs, latencyMs: ttftMs + 100 }) } as FinishedRequest);
  for (let i = 0; i < 10; i++) send('c1', 100);
  for (let i = 0; i < 10; i++) send('c4', i < 3 ? 400 : 900);
  const summary = makeSummary({
    cells: [
      makeCell({ id: 'c1', label: 'speed @c=1', load: { kind: 'concurrency', value: 1 }, windowMs: 2000 }),
      makeCell({ id: 'c4', label: 'speed @c=4', load: { kind: 'concurrency', value: 4 }, windowMs: 1000 }),
    ],
  });
  void extension.decorateSummary!(summary);
  return summary;
}

describe('SLO and capacity in the report and the console', () => {
  it('the extension writes goodput per cell and attainment per stage', () => {
    const summary = judgedSweep();
    expect(summary.cells.map((cell) => cell.goodput)).toEqual([
      { met: 10, perSec: 5, attainment: 1 },
      { met: 3, perSec: 3, attainment: 0.3 },
    ]);
    expect(summary.slo).toMatchObject({ text: 'ttft<500ms', attainmentTarget: 0.95, highestMeeting: { kind: 'concurrency', value: 1 } });
    expect(summary.slo!.stages.map((stage) => stage.meets)).toEqual([true, false]);
    expect(sloLines(summary)).toEqual([
      'SLO ttft<500ms for 95% of requests; goodput: speed @c=1 5/s (100.0% met), speed @c=4 3/s (30.0% met)',
      'SLO per stage: c=1 100.0% ✓, c=4 30.0% ✗; highest load meeting it: c=1',
    ]);
  });

  it('the section shows each stage and the answer with its uncertainty', () => {
    const summary = { ...judgedSweep(), capacity };
    const html = renderCapacitySection(summary);
    expect(html).toContain('<section id="slo">');
    expect(html).toContain('4 in flight: met at 4, failed at 8 (uncertainty 4)');
    expect(html).toContain('yes: it could no longer meet the SLO');
    expect(html).toContain('ttft&lt;500ms');
    expect(sloLines(summary).at(-1)).toBe(`capacity: ${capacity.conclusion} (limited by endpoint; 2 stages)`);
  });

  it('says when the client, not the endpoint, was the limit, with the hint to raise -c', () => {
    const client: CapacitySummary = {
      ...capacity,
      searched: 'rate',
      stages: [
        {
          load: { kind: 'rate', value: 20 },
          attainment: 1,
          meets: false,
          stoppedEarly: false,
          quotaBound: false,
          clientBound: true,
          dispatchedRatePerSec: 2.5,
        },
        { load: { kind: 'rate', value: 40 }, attainment: 1, meets: false, stoppedEarly: false, quotaBound: false, judged: false },
      ],
      answer: null,
      limitedBy: 'client',
      conclusion: 'at 20 requests/s the client sent only 2.5 requests/s: the client (the -c cap or this machine), not the endpoint, was the limit (raise -c)',
    };
    const summary = { ...judgedSweep(), capacity: client };
    const html = renderCapacitySection(summary);
    expect(html).toContain('client: it could not send the rate offered (raise -c');
    expect(html).toContain('client-bound: sent 2.5 req/s');
    expect(html).toContain('stopped: not judged');
    expect(sloLines(summary).at(-1)).toMatch(/raise -c\) \(limited by client; 2 stages\)$/);
  });

  it('is left out of a run without an SLO', () => {
    expect(renderCapacitySection(makeSummary())).toBe('');
    expect(sloLines(makeSummary())).toEqual([]);
  });
});
