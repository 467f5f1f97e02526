/** The client's own event-loop delay and CPU use in one line, for the console and the report. */
import type { RunSummary } from '../metrics/types.js';

/** `client overhead: event-loop delay p50 0.1 ms, p99 1.3 ms, max 4.2 ms; CPU 0.35 of a core (…)`; undefined for runs without it. */
export function clientOverheadText(summary: Pick<RunSummary, 'run'>): string | undefined {
  const client = summary.run.client;
  if (client === undefined) return undefined;
  const delay = client.eventLoopDelayMs;
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  return (
    `client overhead: event-loop delay p50 ${ms(delay.p50)}, p99 ${ms(delay.p99)}, max ${ms(delay.max)}; ` +
    `CPU ${client.cpuShare.toFixed(2)} of a core (user ${Math.round(client.cpuUserMs)} ms, system ${Math.round(client.cpuSystemMs)} ms)`
  );
}
