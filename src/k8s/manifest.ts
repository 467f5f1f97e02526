/**
 * The Kubernetes manifest of a sharded run, as plain objects (pure: no files, no process): a
 * ConfigMap with the input files, a ReadWriteMany claim for the outputs, an Indexed Job whose pod
 * I runs slice I of N into /out/NAME/shard-I, and a merge Job that waits for every shard's
 * summary.json and merges them into /out/NAME/merged, where the checks are judged over the whole.
 */
import { configError } from '../errors.js';
import { kubeLiteral } from './kube-expansion.js';

/** Where the pods see the ConfigMap's files and the output volume. */
export const INPUT_MOUNT = '/datasets';
export const OUT_MOUNT = '/out';

/** Kubernetes refuses a ConfigMap over 1 MiB (the whole object); keys and metadata take a little of it. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
const CONFIGMAP_HEADROOM_BYTES = 16 * 1024;

const INDEX_ANNOTATION = "metadata.annotations['batch.kubernetes.io/job-completion-index']";
const POLL_SECONDS = 10;
/** The merge itself, after the last shard: reading the rows and writing the reports. */
const MERGE_RUN_SECONDS = 3600;
/** The image's user (node:20-slim's `node`): the volume is made writable for its group. */
const IMAGE_UID = 1000;

export interface InputFile {
  /** The file's name in the ConfigMap and under /datasets. */
  fileName: string;
  content: string;
}

export interface ManifestInput {
  shards: number;
  image: string;
  /** DNS label: names the objects (NAME-shards, NAME-merge, …) and the folder /out/NAME. */
  name: string;
  namespace?: string;
  /** The `run` flags after `run`, input paths already under /datasets; without --shards and --out. */
  runArgs: readonly string[];
  /** Datasets and other input files (catalog, prices) the run flags name. */
  inputs: readonly InputFile[];
  secretName: string;
  /** Environment variables read from the Secret's keys of the same names; each may be absent. */
  credentialEnv: readonly string[];
  volume: { claimName?: string; storage: string; storageClassName?: string };
  /** Flags after `merge DIRS --out DIR`: --threshold, --baseline, --junit, … */
  mergeArgs: readonly string[];
  /** How long the merge Job waits for the shards' summaries, seconds. */
  mergeWaitSeconds: number;
}

export type ManifestObject = Record<string, unknown> & { apiVersion: string; kind: string };

export function shardDir(name: string, index: number | string): string {
  return `${OUT_MOUNT}/${name}/shard-${index}`;
}

export function mergedDir(name: string): string {
  return `${OUT_MOUNT}/${name}/merged`;
}

export function buildManifest(input: ManifestInput): ManifestObject[] {
  checkInputSize(input.inputs);
  const claimName = input.volume.claimName ?? `${input.name}-out`;
  const objects: ManifestObject[] = [configMap(input)];
  if (input.volume.claimName === undefined) objects.push(outputClaim(input, claimName));
  objects.push(shardJob(input, claimName), mergeJob(input, claimName));
  return objects;
}

function checkInputSize(inputs: readonly InputFile[]): void {
  const bytes = inputs.reduce((sum, file) => sum + Buffer.byteLength(file.content, 'utf8') + Buffer.byteLength(file.fileName, 'utf8'), 0);
  if (bytes > CONFIGMAP_LIMIT_BYTES - CONFIGMAP_HEADROOM_BYTES) {
    throw configError(
      `the input files take ${bytes} bytes, more than a ConfigMap holds (1 MiB in all): build them into the image or put them on a volume instead`,
    );
  }
}

function metadata(input: ManifestInput, name: string, component: string): Record<string, unknown> {
  return {
    name,
    ...(input.namespace !== undefined ? { namespace: input.namespace } : {}),
    labels: { 'app.kubernetes.io/name': 'qfbench', 'app.kubernetes.io/instance': input.name, 'app.kubernetes.io/component': component },
  };
}

function configMap(input: ManifestInput): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(input, `${input.name}-inputs`, 'inputs'),
    data: Object.fromEntries(input.inputs.map((file) => [file.fileName, file.content])),
  };
}

function outputClaim(input: ManifestInput, claimName: string): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(input, claimName, 'output'),
    spec: {
      // Every shard pod writes at once, possibly from different nodes.
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: input.volume.storage } },
      ...(input.volume.storageClassName !== undefined ? { storageClassName: input.volume.storageClassName } : {}),
    },
  };
}

/**
 * Exit 3 (checks failed) ends a shard well: the merge judges the checks over every slice, and a
 * failed pod would fail the Job and stop the other shards. Any other exit code is a failure, left
 * beside the shard's folder as shard-I.failed so the merge step stops waiting at once.
 */
function shardScript(name: string): string {
  return [
    'qfbench "$@"',
    'code=$?',
    'if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then exit 0; fi',
    `echo "$code" > "${OUT_MOUNT}/${name}/shard-$JOB_COMPLETION_INDEX.failed"`,
    'exit "$code"',
  ].join('\n');
}

function shardJob(input: ManifestInput, claimName: string): ManifestObject {
  const args = ['run', '--shards', String(input.shards), ...input.runArgs.map(kubeLiteral), '--out', shardDir(input.name, '$(JOB_COMPLETION_INDEX)')];
  const env = [
    // Kubernetes expands $(JOB_COMPLETION_INDEX) in args only for a variable the container declares.
    { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: INDEX_ANNOTATION } } },
    ...input.credentialEnv.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: input.secretName, key, optional: true } } })),
  ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(input, `${input.name}-shards`, 'shards'),
    spec: {
      completionMode: 'Indexed',
      completions: input.shards,
      parallelism: input.shards,
      // A shard started again would find its folder taken (a run never overwrites one without --force).
      backoffLimit: 0,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'qfbench', 'app.kubernetes.io/instance': input.name, 'app.kubernetes.io/component': 'shards' } },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity(),
          containers: [
            {
              name: 'qfbench',
              image: input.image,
              command: ['sh', '-c', kubeLiteral(shardScript(input.name)), 'qfbench'],
              args,
              env,
              volumeMounts: [
                { name: 'inputs', mountPath: INPUT_MOUNT, readOnly: true },
                { name: 'out', mountPath: OUT_MOUNT },
              ],
            },
          ],
          volumes: [
            { name: 'inputs', configMap: { name: `${input.name}-inputs` } },
            { name: 'out', persistentVolumeClaim: { claimName } },
          ],
        },
      },
    },
  };
}

/**
 * Waits, bounded, until every shard folder holds summary.json, then runs `qfbench merge "$@"`; a
 * shard that failed (its shard-I.failed marker) ends the wait at once: a merge needs every slice.
 */
function mergeScript(input: ManifestInput): string {
  const dirs = Array.from({ length: input.shards }, (_, index) => shardDir(input.name, index));
  return [
    'waited=0',
    'while :; do',
    `  for failed in ${OUT_MOUNT}/${input.name}/shard-*.failed; do`,
    '    if [ -f "$failed" ]; then echo "qfbench: a shard failed (exit code in $failed); nothing to merge" >&2; exit 1; fi',
    '  done',
    '  missing=0',
    `  for dir in ${dirs.join(' ')}; do [ -f "$dir/summary.json" ] || missing=1; done`,
    '  if [ "$missing" -eq 0 ]; then break; fi',
    `  if [ "$waited" -ge ${input.mergeWaitSeconds} ]; then`,
    `    echo "qfbench: not every shard wrote summary.json within ${input.mergeWaitSeconds}s" >&2; exit 1`,
    '  fi',
    `  sleep ${POLL_SECONDS}; waited=$((waited + ${POLL_SECONDS}))`,
    'done',
    'exec qfbench "$@"',
  ].join('\n');
}

function mergeJob(input: ManifestInput, claimName: string): ManifestObject {
  const dirs = Array.from({ length: input.shards }, (_, index) => shardDir(input.name, index));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(input, `${input.name}-merge`, 'merge'),
    spec: {
      // A merge started again would find the merged folder taken; its exit code is the verdict.
      backoffLimit: 0,
      activeDeadlineSeconds: input.mergeWaitSeconds + MERGE_RUN_SECONDS,
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'qfbench', 'app.kubernetes.io/instance': input.name, 'app.kubernetes.io/component': 'merge' } },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity(),
          containers: [
            {
              name: 'merge',
              image: input.image,
              command: ['sh', '-c', kubeLiteral(mergeScript(input)), 'qfbench'],
              args: ['merge', ...dirs, '--out', mergedDir(input.name), ...input.mergeArgs.map(kubeLiteral)],
              volumeMounts: [{ name: 'out', mountPath: OUT_MOUNT }],
            },
          ],
          volumes: [{ name: 'out', persistentVolumeClaim: { claimName } }],
        },
      },
    },
  };
}

function podSecurity(): Record<string, unknown> {
  return { runAsNonRoot: true, runAsUser: IMAGE_UID, runAsGroup: IMAGE_UID, fsGroup: IMAGE_UID };
}
