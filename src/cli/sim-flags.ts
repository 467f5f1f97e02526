/**
 * `--sim-opt key=value` flags for the built-in simulator: the value is JSON when it parses
 * (numbers, `{"busy":0.05}` for faults), a string otherwise (`quotaWindow=fixed`).
 */
import { configError } from '../errors.js';
import type { SimOptions } from '../sim/options.js';

const SIM_OPTION_KEYS = [
  'seed', 'ak', 'sk', 'accessKey', 'secretKey', 'bearerToken', 'tokenTtlMs', 'firstChunkMs', 'prefillMsPerToken', 'msPerOutputToken', 'jitter', 'outputTokens',
  'capacity', 'rpm', 'tpm', 'quotaWindow', 'windowMs', 'faults', 'stallMs',
] as const satisfies ReadonlyArray<keyof SimOptions>;

export function parseSimOptionFlags(flags: readonly string[]): SimOptions {
  const options: Record<string, unknown> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq > 0 ? flag.slice(0, eq) : flag;
    if (eq <= 0 || !(SIM_OPTION_KEYS as readonly string[]).includes(key)) {
      throw configError(`--sim-opt ${flag}: expected key=value with key one of ${SIM_OPTION_KEYS.join(', ')}`);
    }
    const raw = flag.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    options[key] = value;
  }
  return options as SimOptions;
}
