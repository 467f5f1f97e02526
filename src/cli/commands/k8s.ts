/**
 * `qfbench k8s --shards N [run flags]`: prints a Kubernetes manifest that runs the plan as N
 * shards of an Indexed Job and merges them. The run flags are checked as `run` checks them, and the
 * datasets read, before anything is printed; credentials come from a Secret, never from the flags.
 */
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { K8sOptionsSchema, type K8sOptions } from '../../config/command-options.js';
import { loadDataset } from '../../dataset/index.js';
import { configError } from '../../errors.js';
import { CREDENTIAL_ENV } from '../../k8s/credential-env.js';
import { buildManifest, type InputFile } from '../../k8s/manifest.js';
import { manifestYaml } from '../../k8s/manifest-yaml.js';
import { createLogger } from '../../util/logger.js';
import { TOOL_VERSION } from '../../version.js';
import type { QfbenchCommand } from '../command.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';
import { k8sRunArgs, refuseFlagsForK8s, type InputFileRef } from '../k8s-run-args.js';
import { RUN_FLAG_NAMES, flagsFromArgv, runConfigFromArgv, runFlagOptions } from '../run-flags.js';

const DEFAULT_IMAGE = `qfbench:${TOOL_VERSION}`;

const K8S_FLAGS: FlagTable<keyof K8sOptions> = {
  shards: { type: 'number', group: 'Kubernetes:', required: true },
  image: { type: 'string', group: 'Kubernetes:', defaultText: DEFAULT_IMAGE },
  name: { type: 'string', group: 'Kubernetes:' },
  namespace: { type: 'string', group: 'Kubernetes:' },
  secret: { type: 'string', group: 'Kubernetes:' },
  claim: { type: 'string', group: 'Kubernetes:' },
  storage: { type: 'string', group: 'Kubernetes:' },
  storageClass: { type: 'string', group: 'Kubernetes:' },
  mergeWait: { type: 'number', group: 'Kubernetes:' },
};

export const k8sCommand: QfbenchCommand = {
  command: 'k8s',
  flagNames: [...RUN_FLAG_NAMES, ...flagNamesOf(K8S_FLAGS)],
  describe: 'Print a Kubernetes manifest that runs the plan as N shards of an Indexed Job and merges them (credentials from a Secret)',
  builder: (yargs: Argv) =>
    yargs
      .options(runFlagsBesideK8s())
      .options(yargsOptionsOf(K8sOptionsSchema, K8S_FLAGS))
      .example('$0 k8s --shards 3 -d prompts.csv -m ernie-speed-8k -c 8 > qfbench.yaml', 'Three load generators, then: kubectl apply -f qfbench.yaml'),
  handler: async (argv) => {
    const args = argv as Record<string, unknown>;
    refuseFlagsForK8s(args);
    const options = parseFlags(K8sOptionsSchema, K8S_FLAGS, args);
    // --shards is this command's; the run flags are checked without it, as a plain run would be.
    const { shards: _shards, ...runArgv } = args;
    const config = await runConfigFromArgv(runArgv);
    const { runArgs, mergeArgs, inputFiles } = k8sRunArgs(flagsFromArgv(runArgv), options.name);
    // Every row checked here, with FILE:LINE, rather than in N pods.
    for (const dataset of config.datasets) await loadDataset(dataset);
    const objects = buildManifest({
      shards: options.shards,
      image: options.image ?? DEFAULT_IMAGE,
      name: options.name,
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      runArgs,
      inputs: await Promise.all(inputFiles.map(readInputFile)),
      secretName: options.secret,
      credentialEnv: CREDENTIAL_ENV[config.provider],
      volume: {
        storage: options.storage,
        ...(options.claim !== undefined ? { claimName: options.claim } : {}),
        ...(options.storageClass !== undefined ? { storageClassName: options.storageClass } : {}),
      },
      mergeArgs,
      mergeWaitSeconds: options.mergeWait,
    });
    process.stdout.write(manifestYaml(objects));
    const claim = options.claim ?? `${options.name}-out`;
    createLogger({ quiet: config.quiet }).info(
      `${options.shards} shards: kubectl apply -f the manifest; the merged run is written to /out/${options.name}/merged on the claim ${claim}`,
    );
  },
};

/** The run flags, less run's own --shards: here it is this command's (help lists it once, under Kubernetes). */
function runFlagsBesideK8s(): ReturnType<typeof runFlagOptions> {
  const { shards: _runShards, ...options } = runFlagOptions();
  return options;
}

async function readInputFile(file: InputFileRef): Promise<InputFile> {
  try {
    return { fileName: file.fileName, content: await readFile(file.localPath, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw configError(`${file.localPath}: cannot read the file${code !== undefined ? ` (${code})` : ''}`);
  }
}
