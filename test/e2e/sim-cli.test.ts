import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('qfbench sim', () => {
  it('prints its URL and the credentials it accepts, serves them, and stops on Ctrl-C', async () => {
    let answered: { status: number; body: Record<string, unknown> } | undefined;
    let asked = false;
    const result = await runCli(['sim', '--port', '0'], {
      timeoutMs: 20_000,
      onStdout: (text, child) => {
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
        const ak = /QIANFAN_AK=(\S+)/.exec(text)?.[1];
        const sk = /QIANFAN_SK=(\S+)/.exec(text)?.[1];
        if (asked || url === undefined || ak === undefined || sk === undefined || !text.includes('OPENAI_API_KEY')) return;
        asked = true;
        void request(`${url}/oauth/2.0/token?grant_type=client_credentials&client_id=${ak}&client_secret=${sk}`, { method: 'POST' })
          .then(async (response) => {
            answered = { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
          })
          .finally(() => child.kill('SIGINT'));
      },
    });
    expect(result.code).toBe(0);
    expect(answered?.status).toBe(200);
    expect(typeof answered?.body.access_token).toBe('string');
  });
});
