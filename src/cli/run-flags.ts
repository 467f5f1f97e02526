/**
 * Every run configuration key mapped to its flag. Typed against RunConfig, so a key added to the
 * schema without a flag here does not compile.
 */
import type { Options } from 'yargs';
import type { RunConfig } from '../config/run-config.js';

export const RUN_FLAGS: Record<keyof RunConfig, Options & { key?: string }> = {
  datasets: { alias: ['d', 'dataset'], type: 'string', array: true, describe: 'Dataset file (.csv or .jsonl); repeatable', group: 'Input:' },
  models: { alias: ['m', 'model'], type: 'string', array: true, describe: 'Model from the catalog (case-insensitive); repeatable', group: 'Input:' },
  endpoints: { alias: ['endpoint'], type: 'string', array: true, describe: 'Endpoint suffix of a service of your own (custom deployment); repeatable', group: 'Input:' },
  params: { alias: ['p', 'param'], type: 'string', array: true, describe: 'Parameter grid key=v1,v2 (e.g. temperature=0.2,0.8); repeatable', group: 'Input:' },
  api: { choices: ['chat', 'completions'], describe: 'v1 API family', group: 'Input:' },
  catalog: { type: 'string', describe: 'JSON file of extra or overriding model entries', group: 'Input:' },
  baseModel: { type: 'string', describe: 'Catalog model an --endpoint service was fine-tuned from (SFT of ERNIE Speed/Lite/Tiny/Character allows output up to 7K)', group: 'Input:' },
  stream: { type: 'boolean', describe: 'Stream answers (TTFT needs it); --no-stream for sync calls', group: 'Load:' },
  concurrency: { alias: ['c'], type: 'string', describe: 'Requests in flight at most (with --rate: the cap); a list like 1,4,16 sweeps it', group: 'Load:' },
  rate: { type: 'string', describe: 'Open loop: requests per second on a fixed schedule; a list like 1,2,4 sweeps it', group: 'Load:' },
  arrival: { choices: ['constant', 'poisson'], describe: 'Open-loop arrival model', group: 'Load:' },
  duration: { type: 'number', describe: 'Stop dispatching after this many seconds (per stage); the dataset cycles', group: 'Load:' },
  maxRequests: { type: 'number', describe: 'Stop after this many requests (per stage); the dataset cycles', group: 'Load:' },
  adapt: { type: 'boolean', describe: 'Adaptive limiter that paces to the server quota (--no-adapt: fixed concurrency)', group: 'Quota:' },
  rpm: { type: 'number', describe: 'Cap requests per minute below the account quota', group: 'Quota:' },
  tpm: { type: 'number', describe: 'Cap tokens per minute below the account quota', group: 'Quota:' },
  quotaWindow: { type: 'number', describe: 'The server quota window in seconds (Qianfan: 60)', group: 'Quota:' },
  repeat: { type: 'number', describe: 'Times each row is sent per cell', group: 'Load:' },
  retries: { type: 'number', describe: 'Retries of throttled / retryable failures (0: none at any layer)', group: 'Load:' },
  seed: { type: 'number', describe: 'Seed for the dispatch order, jitter and the simulator', group: 'Load:' },
  connectTimeout: { type: 'number', describe: 'Connect timeout, seconds', group: 'Timeouts:' },
  firstByteTimeout: { type: 'number', describe: 'Time to the response headers, seconds', group: 'Timeouts:' },
  idleTimeout: { type: 'number', describe: 'Longest gap between stream chunks, seconds', group: 'Timeouts:' },
  totalTimeout: { type: 'number', describe: 'Whole request, seconds', group: 'Timeouts:' },
  maxResponseBytes: {
    type: 'number',
    describe: 'Largest answer body, SSE line or event, or streamed answer text kept per request, in bytes (default 8388608, 8 MiB); past it the request fails with response_too_large',
    group: 'Timeouts:',
  },
  grace: { type: 'number', describe: 'Seconds in-flight requests get to finish after Ctrl-C', group: 'Load:' },
  provider: { choices: ['qianfan', 'openai'], describe: 'qianfan: the v1 API; openai: an OpenAI-compatible server (Qianfan v2, vLLM, …)', group: 'Target:' },
  apiKey: { type: 'string', describe: 'Bearer key for --provider openai (prefer QIANFAN_BEARER_TOKEN or OPENAI_API_KEY: flags show in the process list)', group: 'Target:' },
  appId: { type: 'string', describe: 'Qianfan v2 appid header', group: 'Target:' },
  baseUrl: { type: 'string', describe: 'API base URL (default $QIANFAN_BASE_URL or https://aip.baidubce.com)', group: 'Target:' },
  sim: { type: 'boolean', describe: 'Run against the built-in simulator (in-process, port 0)', group: 'Target:' },
  simOpt: { type: 'string', array: true, describe: 'Simulator option key=value (e.g. firstChunkMs=50, rpm=120)', group: 'Target:' },
  out: { alias: ['o'], type: 'string', describe: 'Output directory (default reports/<timestamp>)', group: 'Output:' },
  force: { type: 'boolean', describe: 'Replace the run already in the --out folder (without it such a folder is refused)', group: 'Output:' },
  excel: { type: 'boolean', describe: 'Write CSVs with a UTF-8 BOM for Excel', group: 'Output:' },
  quiet: { alias: ['q'], type: 'boolean', describe: 'No progress output', group: 'Output:' },
  prices: { type: 'string', describe: 'JSON price table (CNY per 1,000 tokens) that extends or overrides the built-in one', group: 'Cost:' },
  priceDate: { type: 'string', describe: 'Price the run as of this date, YYYY-MM-DD (default: today in Beijing time)', group: 'Cost:' },
  maxCost: { type: 'number', describe: 'Stop dispatching once the run has cost this many CNY; the rest is dropped and the run exits 4', group: 'Cost:' },
  maxTokens: { type: 'number', describe: 'Stop dispatching once the run has used this many tokens (prompt + completion); exits 4', group: 'Cost:' },
  estimateCheck: { type: 'boolean', describe: 'Estimate the cost before the run and print it beside the actual figures after it', group: 'Cost:' },
  thresholds: {
    alias: ['threshold'],
    type: 'string',
    array: true,
    describe: 'Every cell must meet it or the run exits 3: ttft.p95<800, latency.p99<5s, error_rate<1%, pass_rate>=0.95, cost_cny<2; model=NAME: in front limits it to some cells; repeatable',
    group: 'Checks:',
  },
  baseline: { type: 'string', describe: 'Earlier run folder to compare with after the run: a regression beyond --tolerance exits 3; changed answers are listed', group: 'Checks:' },
  tolerance: { type: 'string', describe: 'Smallest relative change --baseline calls a regression (5% or 0.05)', group: 'Checks:' },
  jsTimeout: { type: 'number', describe: 'Time limit of one javascript assertion, seconds', group: 'Checks:' },
  record: { type: 'string', describe: 'Save every answer to DIR/recordings.jsonl for a later --replay', group: 'Record/replay:' },
  replay: { type: 'string', describe: 'Answer from a --record folder instead of the network: no credentials, no quota, no timings', group: 'Record/replay:' },
  junit: { type: 'string', describe: 'Write JUnit XML to FILE: one test case per row x cell, failures with their reason', group: 'Output:' },
  summaryMd: { type: 'string', describe: 'Write a Markdown summary to FILE (also appended to $GITHUB_STEP_SUMMARY when that is set)', group: 'Output:' },
};

/**
 * The name a key goes by on the command line: its singular alias for the repeatable lists
 * (`--dataset`, `--model`, `--param`, `--threshold`), kebab-case otherwise (`--max-requests`).
 */
function flagNameOf(key: string): string {
  const aliases = RUN_FLAGS[key as keyof RunConfig].alias;
  const singular = (Array.isArray(aliases) ? aliases : aliases === undefined ? [] : [aliases]).find((alias) => alias.length > 1);
  return singular ?? key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** RUN_FLAGS under their command-line names, with the one-letter aliases kept (for `--help`). */
export function runFlagOptions(): Record<string, Options> {
  const options: Record<string, Options> = {};
  for (const [key, definition] of Object.entries(RUN_FLAGS)) {
    const aliases = definition.alias === undefined ? [] : Array.isArray(definition.alias) ? definition.alias : [definition.alias];
    const short = aliases.filter((alias) => alias.length === 1);
    options[flagNameOf(key)] = { ...definition, alias: short };
  }
  return options;
}

/** The run configuration keys from parsed arguments (yargs gives camelCase copies of dashed names). */
export function flagsFromArgv(argv: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(RUN_FLAGS)) {
    const name = flagNameOf(key);
    const value = argv[name] ?? argv[name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())];
    if (value !== undefined) input[key] = value;
  }
  return input;
}
