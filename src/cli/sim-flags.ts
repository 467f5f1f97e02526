/**
 * `--sim-opt key=value` flags for the built-in simulator: the value is taken as text when the
 * option accepts text (`quotaWindow=fixed`, `ak=12345`), as JSON otherwise (numbers,
 * `{"busy":0.05}` for faults). The simulator's schema checks every value here, so a bad one is
 * refused before anything starts.
 */
import { configError } from '../errors.js';
import { SIM_OPTION_NAMES, SimOptionsSchema, resolveOptions, shownValue, type SimOptions } from '../sim/options.js';

/**
 * The quota the CLI's simulator enforces unless --sim-opt says otherwise: the platform's documented
 * default for ERNIE 3.5 (RPM 300, TPM 300,000 per service), so a demo sees the rate-limit headers
 * move and the limiter's quota chart as against Qianfan. `--sim-opt rpm=0 --sim-opt tpm=0` lifts it.
 * (The library's startSimulator keeps no quota by default: tests choose theirs.)
 */
export const CLI_SIM_QUOTA_DEFAULTS = { rpm: 300, tpm: 300_000 } as const;

/** Where the simulator listens and what it serves are set by the command, not by --sim-opt. */
const SIM_OPTION_KEYS: readonly string[] = SIM_OPTION_NAMES.filter((key) => !['port', 'host', 'catalog'].includes(key));

export function parseSimOptionFlags(flags: readonly string[]): SimOptions {
  const options: Record<string, unknown> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq > 0 ? flag.slice(0, eq) : flag;
    if (eq <= 0) throw configError(`--sim-opt ${shownValue(flag)}: expected key=value with key one of ${SIM_OPTION_KEYS.join(', ')}`);
    if (!SIM_OPTION_KEYS.includes(key))
      throw configError(`--sim-opt ${shownValue(flag)}: unknown option ${shownValue(key)}; the options are ${SIM_OPTION_KEYS.join(', ')}`);
    options[key] = flagValue(key, flag.slice(eq + 1));
  }
  const resolved = resolveOptions(options, (key, value) => `--sim-opt ${key}=${shownValue(value)}`);
  // Only the options given and the CLI's quota: the caller's own defaults (seed, catalog) must still apply.
  const given = Object.fromEntries(Object.keys(options).map((key) => [key, resolved[key as keyof typeof resolved]])) as SimOptions;
  return { ...CLI_SIM_QUOTA_DEFAULTS, ...given };
}

function flagValue(key: string, raw: string): unknown {
  const field = (SimOptionsSchema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>)[key];
  if (field?.safeParse(raw).success === true) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
