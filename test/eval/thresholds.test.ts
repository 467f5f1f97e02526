import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../src/eval/thresholds/evaluate.js';
import { parseThreshold, type Threshold } from '../../src/config/threshold-expression.js';
import { dist, emptyDist, makeCell, makeSummary } from '../report/fixtures.js';

function threshold(text: string): Threshold {
  const parsed = parseThreshold(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.threshold;
}

function messageOf(text: string): string {
  const parsed = parseThreshold(text);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return parsed.message;
}

describe('parseThreshold', () => {
  it('reads metrics, operators, units and selectors', () => {
    expect(threshold('ttft.p95<800')).toMatchObject({
      metric: { kind: 'distribution', series: 'ttft', stat: 'p95' },
      operator: '<',
      limit: 800,
      selectors: [],
    });
    expect(threshold(' latency.p99 <= 5s ')).toMatchObject({
      text: 'latency.p99 <= 5s',
      metric: { series: 'latency', stat: 'p99' },
      operator: '<=',
      limit: 5000,
    });
    expect(threshold('tpot.p50<60ms').limit).toBe(60);
    expect(threshold('latency_sched.p99.9<9000').metric).toEqual({ kind: 'distribution', series: 'latency_sched', stat: 'p999' });
    expect(threshold('error_rate<0.01')).toMatchObject({ metric: { kind: 'rate', name: 'error_rate' }, limit: 0.01 });
    expect(threshold('throttled_rate<5%').limit).toBeCloseTo(0.05);
    expect(threshold('pass_rate>=0.95')).toMatchObject({ metric: { kind: 'rate', name: 'pass_rate' }, operator: '>=', limit: 0.95 });
    expect(threshold('cost_cny<2')).toMatchObject({ metric: { kind: 'cost' }, limit: 2 });
    expect(threshold('model=ernie-speed-8k,temperature=0.3:ttft.p95>1').selectors).toEqual([
      { key: 'model', value: 'ernie-speed-8k' },
      { key: 'temperature', value: '0.3' },
    ]);
  });

  it('says what is wrong with a malformed expression', () => {
    expect(messageOf('ttft.p95')).toMatch(/^"ttft\.p95": expected \[SELECTOR:\]METRIC OPERATOR NUMBER with one of <, <=, >, >=/);
    expect(messageOf('ttft.p95=800')).toMatch(/expected \[SELECTOR:\]METRIC OPERATOR NUMBER/);
    expect(messageOf('ttft.p95<<800')).toBe('"ttft.p95<<800": limit "<800" is not a number (a non-negative number such as 800, 2.5s or 1%)');
    expect(messageOf('ttfb.p95<800')).toMatch(/unknown metric "ttfb\.p95"; metrics are SERIES\.STAT/);
    expect(messageOf('ttft<800')).toBe('"ttft<800": ttft needs a statistic, one of p50, p90, p95, p99, p999, mean, min, max (e.g. ttft.p95)');
    expect(messageOf('ttft.p42<800')).toMatch(/ttft needs a statistic/);
    expect(messageOf('error_rate<5')).toBe('"error_rate<5": error_rate is a fraction between 0 and 1; did you mean 5%?');
    expect(messageOf('pass_rate>=150')).toBe('"pass_rate>=150": pass_rate is a fraction between 0 and 1 (or a percentage such as 95%)');
    expect(messageOf('error_rate<2s')).toMatch(/error_rate is a fraction; write 0\.05 or 5%/);
    expect(messageOf('latency.p50<5%')).toMatch(/latency\.p50 is in milliseconds/);
    expect(messageOf('cost_cny<2ms')).toMatch(/cost_cny is in yuan/);
    expect(messageOf('ttft.p95<-1')).toMatch(/is not a number/);
    expect(messageOf('ttft.p95<1e3')).toMatch(/is not a number/);
    expect(messageOf('ernie:ttft.p95<800')).toMatch(/selector "ernie" is not key=value/);
  });
});

describe('evaluateThresholds', () => {
  it('judges every cell, or the cells a selector picks', () => {
    const summary = makeSummary();
    const results = evaluateThresholds([threshold('ttft.p95<1000')], summary);
    expect(results.map((r) => [r.cell?.id, r.pass, r.reason])).toEqual([
      ['c0', true, 'ttft.p95 = 510.0 ms (limit < 1000.0 ms)'],
      ['c1', false, 'ttft.p95 = 1020.0 ms (limit < 1000.0 ms)'],
    ]);
    expect(evaluateThresholds([threshold('model=ERNIE-SPEED-8K:ttft.p95<1000')], summary).map((r) => r.cell?.id)).toEqual(['c0']);
    expect(evaluateThresholds([threshold('temperature=0.90:ttft.p95<1000')], summary).map((r) => r.cell?.id)).toEqual(['c1']);
    expect(evaluateThresholds([threshold('model=completions_pro:ttft.p95<1000')], summary).map((r) => r.cell?.id)).toEqual(['c1']);
  });

  it('fails a selector that matches no cell', () => {
    expect(evaluateThresholds([threshold('model=ernie-lite-8k:ttft.p95<1000')], makeSummary())).toEqual([
      expect.objectContaining({ pass: false, reason: 'no cell matches model=ernie-lite-8k' }),
    ]);
  });

  it('reads rates, pass rates and cost', () => {
    const summary = makeSummary();
    // c0: 8 ok, 1 failed, 1 throttled.
    expect(evaluateThresholds([threshold('model=ernie-speed-8k:error_rate<=10%')], summary)[0]).toMatchObject({
      pass: true,
      reason: 'error_rate = 10.00% (limit <= 10.00%)',
    });
    expect(evaluateThresholds([threshold('model=ernie-speed-8k:throttled_rate<0.05')], summary)[0]?.pass).toBe(false);
    const withChecks = makeSummary({ cells: [makeCell({ assertions: { passed: 19, failed: 1, skipped: 0, passRate: 0.95 } })] });
    expect(evaluateThresholds([threshold('pass_rate>=0.95')], withChecks)[0]?.pass).toBe(true);
    expect(evaluateThresholds([threshold('pass_rate>0.95')], withChecks)[0]?.pass).toBe(false);
    const priced = makeSummary({ cells: [makeCell({ cost: { cny: 2.5 } as never })] });
    expect(evaluateThresholds([threshold('cost_cny<2')], priced)[0]).toMatchObject({ pass: false, reason: 'cost_cny = ¥2.500 (limit < ¥2.000)' });
  });

  it('never passes a metric that has no samples, and says why', () => {
    const reasonOf = (text: string, summary = makeSummary({ cells: [makeCell()] })): string => {
      const [result] = evaluateThresholds([threshold(text)], summary);
      expect(result?.pass).toBe(false);
      return result?.reason ?? '';
    };
    const noStream = makeSummary({ cells: [makeCell({ ttftMs: emptyDist(), tpotMs: emptyDist() })] });
    noStream.run.stream = false;
    expect(reasonOf('ttft.p95<800', noStream)).toBe('ttft.p95: no samples: ttft is measured on streamed answers only and the run used --no-stream');
    expect(reasonOf('tpot.p50<60', makeSummary({ cells: [makeCell({ tpotMs: emptyDist() })] }))).toBe(
      'tpot.p50: no samples: tpot needs answers that arrived in two or more text events',
    );
    const noOk = makeCell({ latencyMs: emptyDist(), outcomes: { ok: 0, failed: 3, throttled: 0, timeout: 0, cancelled: 0, dropped: 0 } });
    expect(reasonOf('latency.p99<5000', makeSummary({ cells: [noOk] }))).toBe(
      'latency.p99: no samples: the cell has no ok request (timings come from ok requests only)',
    );
    const nothing = makeCell({ outcomes: { ok: 0, failed: 0, throttled: 0, timeout: 0, cancelled: 4, dropped: 0 } });
    expect(reasonOf('error_rate<0.01', makeSummary({ cells: [nothing] }))).toBe('error_rate: no samples: no request of this cell got an answer');
    expect(reasonOf('pass_rate>=0.9')).toBe('pass_rate: no samples: the run checked no assertions (the dataset has none)');
    expect(reasonOf('pass_rate>=0.9', makeSummary({ cells: [makeCell({ assertions: { passed: 0, failed: 0, skipped: 3, passRate: null } })] }))).toBe(
      'pass_rate: no samples: no assertion of this cell could be checked',
    );
    expect(reasonOf('cost_cny<2')).toBe('cost_cny: no samples: the run has no cost figures');
    expect(reasonOf('cost_cny<2', makeSummary({ cells: [makeCell({ cost: { cny: null } as never })] }))).toBe(
      'cost_cny: no samples: the cost is unknown (no price for ernie-speed-8k)',
    );
    const replayed = makeSummary({ cells: [makeCell({ latencyMs: emptyDist(), cost: { cny: 0 } as never })] });
    replayed.run.replayedFrom = 'fixtures/recording';
    expect(reasonOf('latency.p95<5000', replayed)).toMatch(/^latency\.p95: no samples: the answers were replayed \(--replay\)/);
    expect(reasonOf('cost_cny<2', replayed)).toMatch(/^cost_cny: no samples: replayed answers cost nothing/);
  });

  it('compares with each operator', () => {
    const summary = makeSummary({ cells: [makeCell({ latencyMs: dist(100) })] });
    const pass = (text: string): boolean | undefined => evaluateThresholds([threshold(text)], summary)[0]?.pass;
    expect([pass('latency.p50<100'), pass('latency.p50<=100'), pass('latency.p50>100'), pass('latency.p50>=100')]).toEqual([false, true, false, true]);
  });
});
