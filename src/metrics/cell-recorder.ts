/**
 * Aggregates the requests of one cell into HdrHistograms and counters. Memory is the histograms
 * plus a few numbers, whatever the number of requests.
 */
import { createHistogram, encodeHistogram, recordCount, recordMs, summarise, type Histogram } from './histogram.js';
import type { CellFlags, CellLoad, CellSummary, Outcome, RequestRecord } from './types.js';
import { OUTCOMES } from './types.js';
import { SessionWindows } from './session-windows.js';
import { round3 } from '../util/round.js';

const TIME_HISTOGRAMS = ['latency', 'latencySched', 'ttft', 'ttftSched', 'tpot', 'interChunk', 'queueWait'] as const;
const COUNT_HISTOGRAMS = ['promptTokens', 'completionTokens'] as const;
type HistogramName = (typeof TIME_HISTOGRAMS)[number] | (typeof COUNT_HISTOGRAMS)[number];

export interface CellIdentity {
  id: string;
  label: string;
  model: string;
  endpoint: string;
  params: Record<string, unknown>;
  load?: CellLoad;
}

export class CellRecorder {
  private readonly histograms = new Map<HistogramName, Histogram>();
  private readonly outcomes = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  private readonly errors: Record<string, { count: number; message: string }> = {};
  private readonly tokens = { prompt: 0, completion: 0, total: 0 };
  /** Made by the first request with reasoning (ttfrt or reasoning tokens): only such cells report them. */
  private reasoning: { ttfrt: Histogram; tokens: number } | undefined;
  /** Documents of ok reranker requests; undefined until a record carries a count. */
  private documents: number | undefined;
  /** Images of ok text-to-image requests; undefined until a record carries a count. */
  private images: number | undefined;
  private attempts = 0;
  /** Set once a record carries v1 flags: only then does the summary have `flags`. */
  private flags: CellFlags | undefined;
  private readonly windows = new SessionWindows();

  constructor(readonly identity: CellIdentity) {
    for (const name of [...TIME_HISTOGRAMS, ...COUNT_HISTOGRAMS]) this.histograms.set(name, createHistogram());
  }

  /**
   * Adds one finished request. Timing histograms take ok requests only, so an error answered in
   * 3 ms never makes a model look fast; `interChunkMs` are the gaps between its text events.
   */
  record(record: RequestRecord, window: { dispatchedAt?: number; doneAt?: number }, interChunkMs: readonly number[] = []): void {
    this.outcomes[record.outcome]++;
    this.attempts += record.attempts;
    if (record.needClearHistory !== undefined || record.isTruncated !== undefined) {
      const flags = (this.flags ??= { needClearHistory: 0, truncated: 0 });
      if (record.needClearHistory === true) flags.needClearHistory++;
      if (record.isTruncated === true) flags.truncated++;
    }
    this.windows.add(record.session ?? 0, window.dispatchedAt, record.outcome !== 'dropped' ? window.doneAt : undefined);
    if (record.outcome !== 'ok') {
      if (record.errorCode !== undefined) {
        const entry = (this.errors[record.errorCode] ??= { count: 0, message: record.errorMsg ?? '' });
        entry.count++;
      }
      return;
    }
    const h = (name: HistogramName): Histogram => this.histograms.get(name) as Histogram;
    if (record.latencyMs !== undefined) recordMs(h('latency'), record.latencyMs);
    if (record.latencySchedMs !== undefined) recordMs(h('latencySched'), record.latencySchedMs);
    if (record.ttftMs !== undefined) recordMs(h('ttft'), record.ttftMs);
    if (record.ttftSchedMs !== undefined) recordMs(h('ttftSched'), record.ttftSchedMs);
    if (record.tpotMs !== undefined) recordMs(h('tpot'), record.tpotMs);
    if (record.queueMs !== undefined) recordMs(h('queueWait'), record.queueMs);
    for (const gap of interChunkMs) recordMs(h('interChunk'), gap);
    if (record.promptTokens !== undefined) recordCount(h('promptTokens'), record.promptTokens);
    if (record.completionTokens !== undefined) recordCount(h('completionTokens'), record.completionTokens);
    if (record.documents !== undefined) this.documents = (this.documents ?? 0) + record.documents;
    if (record.images !== undefined) this.images = (this.images ?? 0) + record.images;
    this.tokens.prompt += record.promptTokens ?? 0;
    this.tokens.completion += record.completionTokens ?? 0;
    this.tokens.total += record.totalTokens ?? (record.promptTokens ?? 0) + (record.completionTokens ?? 0);
    if (record.ttfrtMs !== undefined || record.reasoningTokens !== undefined) {
      const reasoning = (this.reasoning ??= { ttfrt: createHistogram(), tokens: 0 });
      if (record.ttfrtMs !== undefined) recordMs(reasoning.ttfrt, record.ttfrtMs);
      reasoning.tokens += record.reasoningTokens ?? 0;
    }
  }

  summary(): CellSummary {
    const h = (name: HistogramName): Histogram => this.histograms.get(name) as Histogram;
    const windowMs = this.windows.totalMs();
    const perSecond = (count: number): number => (windowMs > 0 ? round3(count / (windowMs / 1000)) : 0);
    const histograms: Record<string, string> = {};
    for (const [name, histogram] of this.histograms) histograms[name] = encodeHistogram(histogram);
    if (this.reasoning !== undefined) histograms.ttfrt = encodeHistogram(this.reasoning.ttfrt);
    return {
      ...this.identity,
      // Every planned request ends as exactly one outcome, so the outcomes add up to the plan.
      planned: Object.values(this.outcomes).reduce((sum, count) => sum + count, 0),
      outcomes: { ...this.outcomes },
      errors: structuredClone(this.errors),
      latencyMs: summarise(h('latency')),
      latencySchedMs: summarise(h('latencySched')),
      ttftMs: summarise(h('ttft')),
      ttftSchedMs: summarise(h('ttftSched')),
      ...(this.reasoning !== undefined ? { ttfrtMs: summarise(this.reasoning.ttfrt) } : {}),
      tpotMs: summarise(h('tpot')),
      interChunkMs: summarise(h('interChunk')),
      queueWaitMs: summarise(h('queueWait')),
      promptTokensPerRequest: summarise(h('promptTokens'), 1),
      completionTokensPerRequest: summarise(h('completionTokens'), 1),
      tokens: { ...this.tokens, ...(this.reasoning !== undefined ? { reasoning: this.reasoning.tokens } : {}) },
      windowMs: round3(windowMs),
      throughput: {
        requestsPerSec: perSecond(this.outcomes.ok),
        outputTokensPerSec: perSecond(this.tokens.completion),
        ...(this.documents !== undefined ? { documentsPerSec: perSecond(this.documents) } : {}),
        ...(this.images !== undefined ? { imagesPerSec: perSecond(this.images) } : {}),
      },
      attempts: this.attempts,
      histograms,
      ...(this.flags !== undefined ? { flags: { ...this.flags } } : {}),
    };
  }
}
