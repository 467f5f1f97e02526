/**
 * Parent side of src/bench/sim-process.ts.
 */
import type { SimOptions } from '../sim/index.js';
import { startChild } from './child.js';

export interface SimChild {
  url: string;
  credentials: { ak: string; sk: string };
  /** Server-side first-chunk delays since the last call, in ms. */
  takeFirstChunkDelays(): Promise<number[]>;
  /** The simulator's counters (throttled answers, chat requests). */
  stats(): Promise<{ throttled: number; chatRequests: number }>;
  close(): Promise<void>;
}

export async function startSimChild(options: SimOptions): Promise<SimChild> {
  const child = await startChild<{ url: string; credentials: { ak: string; sk: string } }>('./sim-process.js', [JSON.stringify(options)]);
  return {
    url: child.ready.url,
    credentials: child.ready.credentials,
    async takeFirstChunkDelays() {
      return (await child.request<{ firstChunkDelaysMs: number[] }>({ type: 'stats' })).firstChunkDelaysMs;
    },
    async stats() {
      return child.request<{ throttled: number; chatRequests: number }>({ type: 'counters' });
    },
    close: () => child.close(),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
