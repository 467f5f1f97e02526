import type { Argv, CommandModule } from 'yargs';
import { configError } from '../../errors.js';
import { parseSimOptionFlags } from '../sim-flags.js';

export const simCommand: CommandModule = {
  command: 'sim',
  describe: 'Run the built-in Qianfan v1 simulator on 127.0.0.1 until interrupted',
  builder: (yargs: Argv) =>
    yargs
      .option('port', { type: 'number', default: 8866, describe: 'Port (0 picks a free one)' })
      .option('sim-opt', { type: 'string', array: true, default: [], describe: 'Simulator option key=value (firstChunkMs, msPerOutputToken, rpm, tpm, faults, …)' })
      .option('seed', { type: 'number', default: 1 }),
  handler: async (argv) => {
    const { startSimulator } = await import('../../sim/index.js');
    const options = parseSimOptionFlags((argv['sim-opt'] as string[] | undefined) ?? []);
    const sim = await startSimulator({ ...options, port: argv.port as number, seed: argv.seed as number }).catch((error: unknown) => {
      // A port in use or not ours to bind is the environment's doing, not a bug.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw configError(`--port ${String(argv.port)}: cannot listen there (${code})`);
      throw error;
    });
    process.stdout.write(`Qianfan simulator listening on ${sim.url}\n`);
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
