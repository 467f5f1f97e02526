import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSimTokens, startSimulator, type RunningSimulator } from '../../src/sim/index.js';
import { crc32, gradientPng } from '../../src/sim/png.js';
import { drawImages } from '../../src/sim/text2image.js';
import { getToken, post } from './helpers.js';

const PATH = '/rpc/2.0/ai_custom/v1/wenxinworkshop/text2image';

function url(sim: RunningSimulator, token: string, suffix = 'sd_xl'): string {
  return `${sim.url}${PATH}/${suffix}?access_token=${encodeURIComponent(token)}`;
}

/** Reads a PNG's chunks, checking every CRC; returns the IHDR fields and the inflated pixel rows. */
function readPng(bytes: Buffer): { width: number; height: number; bitDepth: number; colourType: number; pixels: Buffer } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  const chunks: Array<{ type: string; data: Buffer }> = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const typed = bytes.subarray(offset + 4, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length)).toBe(crc32(typed));
    chunks.push({ type: typed.subarray(0, 4).toString('ascii'), data: typed.subarray(4) });
    offset += 12 + length;
  }
  expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const header = chunks[0]!.data;
  return {
    width: header.readUInt32BE(0),
    height: header.readUInt32BE(4),
    bitDepth: header[8]!,
    colourType: header[9]!,
    pixels: inflateSync(chunks[1]!.data),
  };
}

describe('simulated images', () => {
  it('are valid small PNGs, equal for equal inputs', () => {
    const png = readPng(gradientPng(12345));
    expect([png.width, png.height, png.bitDepth, png.colourType]).toEqual([16, 16, 8, 2]);
    // One filter byte and 16 RGB pixels per row.
    expect(png.pixels.length).toBe(16 * (1 + 16 * 3));
    expect(gradientPng(12345).equals(gradientPng(12345))).toBe(true);
    expect(gradientPng(12345).equals(gradientPng(54321))).toBe(false);
    const images = drawImages('a cat', 1, 2);
    expect(images.map((image) => image.index)).toEqual([0, 1]);
    expect(images[0]?.b64_image).not.toBe(images[1]?.b64_image);
    expect(drawImages('a cat', 1, 2)).toEqual(images);
  });
});

describe('v1 text2image', () => {
  let sim: RunningSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startSimulator({ firstChunkMs: 0, msPerOutputToken: 0.5, jitter: 0, seed: 3 });
    token = await getToken(sim);
  });
  afterAll(() => sim.close());

  it('answers n base64 PNG images with usage of the prompt', async () => {
    const prompt = '一只在窗台上晒太阳的橘猫';
    const answer = await post(url(sim, token), { prompt, n: 2, steps: 10, size: '768x768', negative_prompt: 'blurry' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ object: 'image' });
    const data = answer.json.data as Array<{ object: string; b64_image: string; index: number }>;
    expect(data.map((image) => [image.object, image.index])).toEqual([
      ['image', 0],
      ['image', 1],
    ]);
    for (const image of data) expect(readPng(Buffer.from(image.b64_image, 'base64')).width).toBe(16);
    const tokens = countSimTokens(prompt) + countSimTokens('blurry');
    expect(answer.json.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    // The request's seed picks the pictures.
    const seeded = await post(url(sim, token), { prompt, seed: 7, steps: 10 });
    expect((seeded.json.data as Array<{ b64_image: string }>)[0]?.b64_image).toBe(drawImages(prompt, 7, 1)[0]?.b64_image);
  });

  it('refuses fields out of range with 336003', async () => {
    const code = async (body: unknown): Promise<unknown> => (await post(url(sim, token), body)).json.error_code;
    expect(await code({ prompt: '' })).toBe(336003);
    expect(await code({ prompt: 'x'.repeat(1025) })).toBe(336003);
    expect(await code({ prompt: 'cat', steps: 9 })).toBe(336003);
    expect(await code({ prompt: 'cat', steps: 51 })).toBe(336003);
    expect(await code({ prompt: 'cat', n: 5 })).toBe(336003);
    expect(await code({ prompt: 'cat', size: '100x100' })).toBe(336003);
    expect(await code({ prompt: 'cat', cfg_scale: 0 })).toBe(336003);
    expect(await code({ prompt: 'cat', seed: 1.5 })).toBe(336003);
    expect(await code('{nope')).toBe(336002);
  });

  it('takes longer with more steps and more images: at least msPerOutputToken x steps x n at 1024x1024', async () => {
    const startedAt = performance.now();
    const answer = await post(url(sim, token), { prompt: 'cat', steps: 50, n: 4 });
    const elapsedMs = performance.now() - startedAt;
    expect(answer.status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(0.5 * 50 * 4 - 5);
  });
});
