import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startSimulator, type RunningSimulator } from '../../src/sim/index.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ firstChunkMs: 1, msPerOutputToken: 0, jitter: 0 });
});
afterAll(() => sim.close());

async function chat(body: Record<string, unknown>): Promise<{ status: number; contentType: string; json: Record<string, unknown> }> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${sim.credentials.bearerToken}` };
  const response = await request(`${sim.url}/v2/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.body.text();
  return { status: response.statusCode, contentType: String(response.headers['content-type'] ?? ''), json: JSON.parse(text) as Record<string, unknown> };
}

const ask = (content: string, extra: Record<string, unknown> = {}) => chat({ model: 'ernie-speed-8k', messages: [{ role: 'user', content }], ...extra });

describe('v2 errors carry the statuses of the v2 table, never HTTP 200', () => {
  it('an unknown model is 401 invalid_model, sync and stream', { timeout: 10_000 }, async () => {
    for (const stream of [false, true]) {
      const answer = await chat({ model: 'ernie-nonexistent-1k', messages: [{ role: 'user', content: 'hi' }], stream });
      expect(answer.status).toBe(401);
      expect(answer.contentType).toContain('application/json');
      expect(answer.json.error).toEqual({
        code: 'invalid_model',
        message: 'The model does not exist or you do not have access to it.',
        type: 'invalid_request_error',
      });
    }
  });

  it('high load (v1 336100, the busy fault) is HTTP 500 internal_error', { timeout: 10_000 }, async () => {
    for (const content of ['x [[sim:error=336100]]', 'x [[sim:fault=busy]]']) {
      const answer = await ask(content, { stream: true });
      expect(answer.status).toBe(500);
      expect(answer.json.error).toEqual({ code: 'internal_error', message: 'high load', type: 'Internal_error' });
    }
  });

  it('every v1 code a directive can name maps to a non-200 v2 status', { timeout: 10_000 }, async () => {
    const codes = [4, 6, 13, 14, 17, 18, 19, 110, 111, 336000, 336001, 336002, 336003, 336100, 336101, 336103, 336104, 336501, 336502, 4242];
    for (const code of codes) {
      const answer = await ask(`x [[sim:error=${code}]]`);
      expect(answer.status, `code ${code}`).toBeGreaterThanOrEqual(400);
      expect(answer.json.error, `code ${code}`).toMatchObject({ code: expect.any(String), message: expect.any(String), type: expect.any(String) });
    }
  });
});
