import type { Argv } from 'yargs';
import { SimCommandOptionsSchema, type SimCommandOptions } from '../../config/command-options.js';
import { configError } from '../../errors.js';
import type { QfbenchCommand } from '../command.js';
import { flagNamesOf, parseFlags, yargsOptionsOf, type FlagTable } from '../flag-table.js';
import { parseSimOptionFlags } from '../sim-flags.js';

const SIM_FLAGS: FlagTable<keyof SimCommandOptions> = {
  port: { type: 'number' },
  simOpt: { type: 'string', array: true },
  seed: { type: 'number' },
};

export const simCommand: QfbenchCommand = {
  command: 'sim',
  flagNames: flagNamesOf(SIM_FLAGS),
  describe: 'Run the built-in Qianfan v1 simulator on 127.0.0.1 until interrupted',
  builder: (yargs: Argv) =>
    yargs
      .options(yargsOptionsOf(SimCommandOptionsSchema, SIM_FLAGS))
      .example('$0 sim --port 8866 --sim-opt firstChunkMs=200 --sim-opt rpm=120', 'A slow, rate-limited Qianfan on localhost:8866'),
  handler: async (argv) => {
    const { startSimulator } = await import('../../sim/index.js');
    const flags = parseFlags(SimCommandOptionsSchema, SIM_FLAGS, argv);
    const options = parseSimOptionFlags(flags.simOpt);
    const sim = await startSimulator({ ...options, port: flags.port, seed: flags.seed }).catch((error: unknown) => {
      // A port in use or not ours to bind is the environment's doing, not a bug.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw configError(`--port ${flags.port}: cannot listen there (${code})`);
      throw error;
    });
    process.stdout.write(`Qianfan simulator listening on ${sim.url}\n`);
    const { rpm, tpm, windowMs } = sim.options;
    process.stdout.write(
      `quota per service: ${rpm > 0 ? `RPM ${rpm}` : 'no RPM limit'}, ${tpm > 0 ? `TPM ${tpm}` : 'no TPM limit'} per ${windowMs / 1000} s window ` +
        `(--sim-opt rpm=0 --sim-opt tpm=0 lifts it)\n`,
    );
    process.stdout.write(`QIANFAN_BASE_URL=${sim.url} QIANFAN_AK=${sim.credentials.ak} QIANFAN_SK=${sim.credentials.sk}\n`);
    process.stdout.write(`or, for request signing: QIANFAN_ACCESS_KEY=${sim.credentials.accessKey} QIANFAN_SECRET_KEY=${sim.credentials.secretKey}\n`);
    process.stdout.write(`or, for --provider openai: OPENAI_API_KEY=${sim.credentials.bearerToken} with --base-url ${sim.url}/v2\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await sim.close();
  },
};
