/**
 * `qfbench sim --port N` when N is taken: exit 2 and one line naming the port (it used to print
 * the EADDRINUSE stack as an internal error, exit 1).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('qfbench sim on a port in use', () => {
  it('is refused with exit 2 and one line', async () => {
    const taken = createServer((_req, res) => res.end());
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const result = await runCli(['sim', '--port', String(port)], { timeoutMs: 30_000 });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([`qfbench: --port ${port}: cannot listen there (EADDRINUSE)`]);
      expect(result.stdout).not.toContain('listening');
    } finally {
      taken.closeAllConnections();
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
