/**
 * `--trace FILE` replays a trace's arrivals once, on its own clock: the settings that shape load
 * another way (a rate, a duration, a request count, repeats, shards, sessions) do not go with it.
 * `-c` stays the cap on requests in flight, as with --rate. Which -d combinations make sense
 * depends on the trace's lines; the trace loader checks those (src/dataset/trace-rows.ts).
 */
import { configError } from '../errors.js';

export interface TraceSettings {
  trace?: string | undefined;
  traceSpeed?: number | undefined;
  traceLimit?: number | undefined;
  rate?: number[] | undefined;
  concurrency: number[];
  duration?: number | undefined;
  maxRequests?: number | undefined;
  repeat: number;
  shard?: string | undefined;
  shards?: number | undefined;
  sessions?: string | undefined;
  findCapacity?: boolean | undefined;
}

export function checkTraceSettings(config: TraceSettings): void {
  if (config.trace === undefined) {
    if (config.traceSpeed !== undefined) throw configError('--trace-speed: it scales the time of a --trace FILE; give --trace too');
    if (config.traceLimit !== undefined) throw configError('--trace-limit: it keeps the first arrivals of a --trace FILE; give --trace too');
    return;
  }
  const refuse = (flag: string, why: string): never => {
    throw configError(`--trace: ${flag} does not go with a trace replay; ${why}`);
  };
  if (config.rate !== undefined) refuse('--rate', 'the trace gives the arrival times (--trace-speed scales them)');
  if (config.concurrency.length > 1) refuse('a -c list', '-c is the cap on requests in flight and takes one value');
  if (config.duration !== undefined)
    refuse('--duration', 'the replay ends with the last arrival (--trace-limit N keeps the first N, --trace-speed scales time)');
  if (config.maxRequests !== undefined) refuse('--max-requests', 'use --trace-limit N to keep the first N arrivals');
  if (config.repeat > 1) refuse('--repeat', 'a trace is replayed once, each arrival at its time');
  if (config.shard !== undefined || config.shards !== undefined) refuse('--shard/--shards', 'a slice of a trace would not keep its timing');
  if (config.sessions !== undefined) refuse('--sessions', 'give either a trace or a session dataset');
  if (config.findCapacity === true) refuse('--find-capacity', 'the search sets the load itself; --trace-speed scales a trace by hand');
}
