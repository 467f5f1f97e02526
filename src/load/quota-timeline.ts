/**
 * What a limiter sent and had refused, second by second from its first start, for the report's
 * "quota use over time" chart. Bounded: past MAX_BUCKETS the buckets double in width (adjacent
 * pairs merged), so an hours-long run keeps at most that many numbers per series.
 */
const MAX_BUCKETS = 1800;

export interface QuotaTimelineSnapshot {
  /** Width of each bucket in seconds (1, doubling for long runs). */
  bucketSeconds: number;
  /** Starts granted in each bucket, from the first start. */
  sent: number[];
  /** Attempts the server refused as over quota, by when the refusal was heard. */
  throttled: number[];
}

export class QuotaTimeline {
  private origin: number | undefined;
  private bucketMs = 1000;
  private readonly sentCounts: number[] = [];
  private readonly throttledCounts: number[] = [];

  sent(at: number): void {
    this.add(this.sentCounts, at);
  }

  throttled(at: number): void {
    this.add(this.throttledCounts, at);
  }

  snapshot(): QuotaTimelineSnapshot | undefined {
    if (this.origin === undefined) return undefined;
    const length = Math.max(this.sentCounts.length, this.throttledCounts.length);
    const filled = (series: number[]): number[] => Array.from({ length }, (_, i) => series[i] ?? 0);
    return { bucketSeconds: this.bucketMs / 1000, sent: filled(this.sentCounts), throttled: filled(this.throttledCounts) };
  }

  private add(series: number[], at: number): void {
    this.origin ??= at;
    let index = Math.max(0, Math.floor((at - this.origin) / this.bucketMs));
    while (index >= MAX_BUCKETS) {
      this.coarsen();
      index = Math.floor(index / 2);
    }
    while (series.length <= index) series.push(0);
    series[index] = (series[index] ?? 0) + 1;
  }

  private coarsen(): void {
    this.bucketMs *= 2;
    for (const series of [this.sentCounts, this.throttledCounts]) {
      const merged = Array.from({ length: Math.ceil(series.length / 2) }, (_, i) => (series[2 * i] ?? 0) + (series[2 * i + 1] ?? 0));
      series.splice(0, series.length, ...merged);
    }
  }
}
