import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Argv } from 'yargs';
import { configError } from '../../errors.js';
import { createLogger } from '../../util/logger.js';
import { EXIT, exitCodeForRun } from '../../exit-codes.js';
import { createProgress, type ProgressView } from '../progress.js';
import type { QfbenchCommand } from '../command.js';
import { RESUME_FLAGS, RUN_FLAG_NAMES, flagsFromArgv, runConfigFromArgv, runFlagOptions } from '../run-flags.js';
import { ResumeFlagsSchema } from '../../config/command-options.js';
import { flagNamesOf, parseFlags, yargsOptionsOf } from '../flag-table.js';
import type { RunConfig } from '../../config/run-config.js';
import type { ResumeState } from '../../run/resume.js';
import { parseSimOptionFlags } from '../sim-flags.js';
import { writeSummaryMarkdown } from '../../run/summary-markdown.js';
import { formatRunConsole } from '../../report/console-output.js';

const EXAMPLE = '$0 run --sim -d datasets/demo.csv -m ernie-speed-8k -p temperature=0.3,0.9';

/** `qfbench run` and nothing else: how to call it, instead of a complaint about the first missing flag. */
const USAGE = [
  'nothing to run. Usage:',
  '  qfbench run -d DATASET -m MODEL [-p key=v1,v2 …] [options]',
  '  qfbench run --config FILE [options]',
  'Example (on the built-in simulator, no credentials):',
  `  ${EXAMPLE.replace('$0', 'qfbench')}`,
  '`qfbench run --help` lists every flag.',
].join('\n');

export const runCommand: QfbenchCommand = {
  command: 'run',
  flagNames: [...RUN_FLAG_NAMES, ...flagNamesOf(RESUME_FLAGS)],
  describe: 'Run datasets against models and parameter sets; write requests.csv, summary.csv, summary.json and report.html',
  builder: (yargs: Argv) =>
    yargs
      .options({ ...runFlagOptions(), ...yargsOptionsOf(ResumeFlagsSchema, RESUME_FLAGS) })
      .example(EXAMPLE, 'Benchmark on the built-in simulator')
      .example('$0 run --config qfbench.yaml --replay fixtures/recorded --junit junit.xml', 'Regression checks in CI, answered from a recording')
      .example('$0 run --resume reports/long-run', 'Continue a run that was stopped or killed: send only what has no final outcome')
      .example('QIANFAN_AK=… QIANFAN_SK=… $0 run -d prompts.csv -m ernie-4.0-8k -m ernie-speed-8k -c 16', 'Compare two models on Qianfan'),
  handler: async (argv) => {
    const args = argv as Record<string, unknown>;
    const resumeFlags = parseFlags(ResumeFlagsSchema, RESUME_FLAGS, argv);
    // Nothing to run (no dataset and no config file, e.g. `run --sim` alone): the usage, not validator text.
    if (
      resumeFlags.resume === undefined &&
      flagsFromArgv(args)['datasets'] === undefined &&
      flagsFromArgv(args)['sessions'] === undefined &&
      flagsFromArgv(args)['trace'] === undefined &&
      args['config'] === undefined
    )
      throw configError(USAGE);
    if (resumeFlags.resumeFailed && resumeFlags.resume === undefined)
      throw configError('--resume-failed: give --resume DIR too (it re-sends the failed requests of that run)');
    let config: RunConfig;
    let resume: ResumeState | undefined;
    if (resumeFlags.resume !== undefined) {
      if (args['config'] !== undefined) throw configError('--config does not go with --resume: the run continues with the settings its run.json holds');
      const { resumedConfig } = await import('../../run/resume.js');
      ({ config, state: resume } = await resumedConfig({ dir: resumeFlags.resume, failed: resumeFlags.resumeFailed }, flagsFromArgv(args)));
    } else {
      config = await runConfigFromArgv(args);
    }
    let progress: ProgressView | undefined;
    // Log lines go above the live view on a terminal (drawn again under them), not through it.
    const logStream = new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        if (progress !== undefined) progress.persist(String(chunk));
        else process.stderr.write(chunk);
        done();
      },
    });
    const logger = createLogger({ quiet: config.quiet, stream: logStream });
    const simOptions = parseSimOptionFlags(config.simOpt);
    const { runBenchmark } = await import('../../run/run-benchmark.js');

    // First Ctrl-C: stop dispatching and give in-flight requests `grace` seconds; second: cut them.
    const stop = new AbortController();
    const abort = new AbortController();
    let graceTimer: NodeJS.Timeout | undefined;
    const onSigint = (): void => {
      if (!stop.signal.aborted) {
        logger.warn(`interrupted: no new requests; in-flight ones have ${config.grace}s to finish (Ctrl-C again to cut them)`);
        stop.abort();
        graceTimer = setTimeout(() => abort.abort(), config.grace * 1000);
      } else {
        abort.abort();
      }
    };
    // SIGHUP (terminal closed, ssh dropped) is an interrupt too: every file is written, exit 130.
    // The terminal may be gone, so a failed write to it must not end the run before the files.
    const onSighup = (): void => {
      for (const stream of [process.stdout, process.stderr]) if (stream.listenerCount('error') === 0) stream.on('error', () => undefined);
      onSigint();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    process.on('SIGHUP', onSighup);
    try {
      const result = await runBenchmark({
        config,
        logger,
        simOptions,
        ...(resume !== undefined ? { resume } : {}),
        stopSignal: stop.signal,
        abortSignal: abort.signal,
        onPlanned: ({ requests, cells, cellLabels, simulated, stage, limiters, liveText }) => {
          const size = requests !== undefined ? `${requests} requests` : `requests for ${config.duration}s`;
          logger.info(`${simulated ? 'SIMULATED run: ' : ''}${stage !== undefined ? `stage ${stage}: ` : ''}${size} in ${cells} cells`);
          if (!config.quiet)
            progress = createProgress(requests, {
              tty: process.stderr.isTTY === true,
              simulated,
              stage,
              ...(cellLabels !== undefined ? { cells: cellLabels } : {}),
              limiters,
              liveText,
              interrupted: () => stop.signal.aborted,
            });
        },
        onStageEnd: () => {
          progress?.stop();
          progress = undefined;
        },
        onStart: () => progress?.started(),
        onFinished: (outcome, cell) => progress?.finished(outcome, cell),
      });
      progress?.stop();
      progress = undefined;
      const code = exitCodeForRun(result.verdict, result.interrupted);
      // With --json, stdout holds the JSON alone: the table goes to stderr (and --quiet drops it).
      const out = config.json ? process.stderr : process.stdout;
      if (!(config.json && config.quiet)) {
        const table = formatRunConsole(result.summary, {
          color: wantsColor(out),
          ...(out.isTTY === true && out.columns > 0 ? { width: out.columns } : {}),
          matrix: result.matrix,
          reportPath: join(result.outDir, 'report.html'),
        });
        out.write(`${table}\n`);
      }
      const client = result.summary.run.client;
      // A loaded machine is not the run's fault: --quiet leaves the warning to summary.json and report.html.
      if (client?.warning !== undefined && !config.quiet) logger.warn(client.warning);
      logger.info(`wrote ${result.outDir}/requests.csv, summary.csv, summary.json, report.html`);
      for (const failure of result.verdict.failures) logger.error(failure);
      // Requests without an answer are errors of the run's test cases, listed apart from failed checks.
      for (const error of result.verdict.errors) logger.error(error);
      if (config.summaryMd !== undefined) await writeSummaryMarkdown(config.summaryMd, result.summary, result.verdict, logger);
      if (result.verdict.abortReason !== undefined) logger.error(`run aborted: ${result.verdict.abortReason}`);
      if (config.json) process.stdout.write(`${JSON.stringify({ ...result.summary, outDir: resolve(result.outDir), exitCode: code }, null, 2)}\n`);
      if (code !== EXIT.ok) process.exitCode = code;
    } finally {
      progress?.stop();
      clearTimeout(graceTimer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      process.off('SIGHUP', onSighup);
    }
  },
};

/** Colours only on a terminal, and never when NO_COLOR is set (no-color.org) or the terminal is dumb. */
function wantsColor(stream: NodeJS.WriteStream): boolean {
  const noColor = process.env['NO_COLOR'];
  return stream.isTTY === true && (noColor === undefined || noColor === '') && process.env['TERM'] !== 'dumb';
}
