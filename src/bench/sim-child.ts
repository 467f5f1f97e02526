/**
 * Parent side of src/bench/sim-process.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { SimOptions } from '../sim/index.js';

export interface SimChild {
  url: string;
  credentials: { ak: string; sk: string };
  /** Server-side first-chunk delays since the last call, in ms. */
  takeFirstChunkDelays(): Promise<number[]>;
  close(): Promise<void>;
}

export async function startSimChild(options: SimOptions): Promise<SimChild> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./sim-process.js', import.meta.url)), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [{ url: string; credentials: { ak: string; sk: string } }];
  return {
    url: ready.url,
    credentials: ready.credentials,
    async takeFirstChunkDelays() {
      child.send({ type: 'stats' });
      const [stats] = (await once(child, 'message')) as [{ firstChunkDelaysMs: number[] }];
      return stats.firstChunkDelaysMs;
    },
    async close() {
      child.send({ type: 'close' });
      await once(child, 'exit');
    },
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
