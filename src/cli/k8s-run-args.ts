/**
 * The run flags of `qfbench k8s`, turned into the argv every shard runs with and the one the merge
 * step runs with. Flags that cannot work in a pod are refused with the reason; input files move to
 * the ConfigMap's mount; checks move to the merge, which judges them over every shard at once.
 */
import { basename } from 'node:path';
import { configError } from '../errors.js';
import { INPUT_MOUNT, OUT_MOUNT } from '../k8s/manifest.js';
import { flagLabelOf, flagNameOf, type FlagSpec } from './flag-table.js';
import { RUN_FLAGS } from './run-flags.js';

/** Flags (argv keys) the manifest sets itself or that cannot reach a pod, with why. */
const REFUSED: Readonly<Record<string, string>> = {
  apiKey: '--api-key: a key on the command line would be written into the manifest; put it in the Secret as QIANFAN_BEARER_TOKEN or OPENAI_API_KEY',
  sim: '--sim: each pod would measure a simulator of its own inside it; point the shards at a real server (or at `qfbench sim` with --base-url)',
  out: '--out: the manifest chooses the folders: /out/NAME/shard-I for each shard and /out/NAME/merged on the volume',
  force: '--force: every shard writes a folder of its own on the volume; give another --name to run again',
  shard: '--shard: the Indexed Job gives each pod its slice (--shards N with JOB_COMPLETION_INDEX)',
  resume: '--resume: a manifest starts a new run; resume a shard by hand with `qfbench run --resume` on its folder',
  resumeFailed: '--resume-failed: a manifest starts a new run; resume a shard by hand with `qfbench run --resume` on its folder',
  config: '--config: the pods cannot read the file; give its settings as flags',
  replay: '--replay: the recording folder is on this machine, not in the pods',
  record: '--record: the recordings would stay inside each pod and be lost with it',
  summaryMd: '--summary-md: the merged folder on the volume holds summary.json and report.html; write the Markdown from it afterwards',
};

/** Set by `k8s` itself (--shards) or given to the merge only. */
const NOT_FOR_SHARDS = new Set(['shards', 'thresholds', 'baseline', 'tolerance', 'junit']);

/** Input files the run flags name: they go into the ConfigMap, and the flags point at its mount. */
const INPUT_FILE_KEYS = new Set(['datasets', 'catalog', 'prices']);

export interface InputFileRef {
  /** The path as given on this machine. */
  localPath: string;
  /** Its name in the ConfigMap and under /datasets. */
  fileName: string;
}

export interface K8sRunArgs {
  runArgs: string[];
  mergeArgs: string[];
  inputFiles: InputFileRef[];
}

/** Fails on the first flag given that a manifest cannot carry; `argv` is yargs' (camelCase copies included). */
export function refuseFlagsForK8s(argv: Readonly<Record<string, unknown>>): void {
  for (const [key, reason] of Object.entries(REFUSED)) if (argv[key] !== undefined && argv[key] !== false) throw configError(reason);
}

/** A ConfigMap key: letters, digits, `-`, `_` and `.`. */
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * The shard and merge argv from the run flags given (`flags`: key -> value as yargs parsed it,
 * before the schema's defaults, so only what the user typed is passed on).
 */
export function k8sRunArgs(flags: Readonly<Record<string, unknown>>, name: string): K8sRunArgs {
  const runArgs: string[] = [];
  const mergeArgs: string[] = [];
  const inputFiles: InputFileRef[] = [];
  const taken = new Map<string, string>();
  const mounted = (localPath: string): string => {
    const fileName = basename(localPath);
    if (!CONFIGMAP_KEY.test(fileName)) throw configError(`${localPath}: a file name of letters, digits, - _ and . only can go into a ConfigMap; rename it`);
    const earlier = taken.get(fileName);
    if (earlier !== undefined && earlier !== localPath)
      throw configError(`${earlier} and ${localPath} have the same name, ${fileName}, under ${INPUT_MOUNT}; rename one`);
    if (earlier === undefined) inputFiles.push({ localPath, fileName });
    taken.set(fileName, localPath);
    return `${INPUT_MOUNT}/${fileName}`;
  };
  for (const [key, spec] of Object.entries(RUN_FLAGS) as [string, FlagSpec][]) {
    const value = flags[key];
    if (value === undefined || REFUSED[key] !== undefined) continue;
    if (NOT_FOR_SHARDS.has(key)) {
      if (key !== 'shards') mergeArgs.push(...mergeFlag(key, spec, value, name));
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    const given = INPUT_FILE_KEYS.has(key) ? values.map((path) => mounted(String(path))) : values;
    runArgs.push(...flagArgv(flagNameOf(key, spec), spec, given));
  }
  return { runArgs, mergeArgs, inputFiles };
}

function flagArgv(flag: string, spec: FlagSpec, values: readonly unknown[]): string[] {
  if (spec.type === 'boolean') return values.map((value) => (value === false ? `--no-${flag}` : `--${flag}`));
  return values.flatMap((value) => [`--${flag}`, String(value)]);
}

/** A check flag as the merge step takes it: --junit writes beside the merged folder, --baseline must be on the volume. */
function mergeFlag(key: string, spec: FlagSpec, value: unknown, name: string): string[] {
  const values = Array.isArray(value) ? value : [value];
  const flag = flagNameOf(key, spec);
  if (key === 'junit') return [`--${flag}`, `${OUT_MOUNT}/${name}/${basename(String(value))}`];
  if (key === 'baseline' && !String(value).startsWith(`${OUT_MOUNT}/`)) {
    throw configError(`${flagLabelOf(key, spec)}: give a run folder on the output volume (${OUT_MOUNT}/...); a folder on this machine is not in the pods`);
  }
  return flagArgv(flag, spec, values);
}
