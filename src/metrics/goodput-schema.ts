/**
 * The summary.json parts of `--slo` and `--find-capacity` (zod, like ./summary-schema.ts, which
 * adds them as optional fields: runs without an SLO, and older runs, lack them).
 */
import { z } from 'zod';

const count = z.number().int().min(0);
const amount = z.number();
const load = z.object({ kind: z.enum(['concurrency', 'rate']), value: amount });

export const cellGoodputSchema = z
  .object({
    met: count.describe('Ok requests within every per-request bound of --slo.'),
    perSec: amount.describe('Goodput: met per second of the cell window.'),
    attainment: amount.nullable().describe('met / concluded requests (ok, failed, throttled, timeout; replayed ones not counted); null when none concluded.'),
  })
  .describe('Goodput against --slo (added with --slo).');

export const sloSummarySchema = z
  .object({
    text: z.string().describe('The SLO as parsed, e.g. ttft<800ms,error_rate<1%.'),
    attainmentTarget: amount.describe('--slo-attainment: the share of requests that must meet the per-request bounds.'),
    stages: z
      .array(
        z.object({
          load,
          attainment: amount.nullable().describe('Over every cell of the stage; null when no request concluded.'),
          meets: z.boolean().describe('attainment >= the target and every rate bound of the SLO holds.'),
          met: count,
          concluded: count,
          errorRate: amount.nullable(),
          throttledRate: amount.nullable(),
        }),
      )
      .describe('One per stage (a plain run has one), in the order run.'),
    highestMeeting: load.optional().describe('The highest load whose stage met the SLO; absent when none did.'),
  })
  .describe('How each stage fared against --slo (added with --slo).');

export const CAPACITY_LIMITS = ['endpoint', 'quota', 'client', 'not-reached'] as const;

export const capacitySummarySchema = z
  .object({
    searched: z.enum(['rate', 'concurrency']).describe('rate: open loop, requests per second (with --rate); concurrency: closed loop (otherwise).'),
    start: amount,
    precision: amount.describe('--capacity-precision: the search stops when high - low is within this share of low (and, for concurrency, 1).'),
    stageRequests: count
      .optional()
      .describe('Requests per stage (--max-requests; a closed-loop stage sends at least two per slot); absent when only --duration bounds a stage.'),
    stages: z
      .array(
        z.object({
          load,
          attainment: amount.nullable(),
          meets: z.boolean(),
          stoppedEarly: z.boolean().describe('Dispatching stopped once the stage could no longer meet the SLO.'),
          quotaBound: z.boolean().describe('The quota held the stage back: throttled requests, the limiter cut it, or its credit ran out.'),
          clientBound: z
            .boolean()
            .optional()
            .describe('Open loop: the client sent under 90% of the offered rate (the -c cap or the machine), so the stage does not count as met.'),
          dispatchedRatePerSec: amount.optional().describe('Requests per second the stage actually sent.'),
          judged: z.boolean().optional().describe('false: the run was stopped during the stage (Ctrl-C); it is left out of the answer.'),
        }),
      )
      .describe('In the order run: doubling (halving from a failing start), then bisection.'),
    answer: z
      .object({
        value: amount.describe('The highest load found to meet the SLO (the low end).'),
        low: amount,
        high: amount.nullable().describe('The lowest load above it found to fail; null when none failed.'),
      })
      .nullable()
      .describe('null when no load tried met the SLO.'),
    limitedBy: z
      .enum(CAPACITY_LIMITS)
      .describe(
        'endpoint: the SLO failed at high; quota: throttling or the limiter, not the endpoint, stopped the search; ' +
          'client: the client could not send the rate offered (raise -c, or a faster machine); not-reached: no stage failed.',
      ),
    conclusion: z.string().describe('One sentence for people.'),
  })
  .describe('--find-capacity: the stages of the search and the highest load that met the SLO.');

export type CellGoodput = z.output<typeof cellGoodputSchema>;
export type SloSummary = z.output<typeof sloSummarySchema>;
export type CapacitySummary = z.output<typeof capacitySummarySchema>;
