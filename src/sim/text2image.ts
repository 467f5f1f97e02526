/**
 * Text-to-image on the simulator: v1 `POST …/wenxinworkshop/text2image/{suffix}?access_token=…`
 * (SDXL: `sd_xl`, qianfan-api.md §2).
 *
 * Request: `prompt` and the optional fields of qianfan/spec/text2image-limits.ts (`size`, `n`,
 * `steps`, `cfg_scale`, `negative_prompt`, and `sampler_index`, `seed`, `style`, `user_id`
 * accepted as given); a field out of range gets 336003 (HTTP 200), like every v1 refusal.
 * Answer: `{id, object: "image", created, data: [{object: "image", b64_image, index}], usage}`, each
 * image a small valid PNG (png.ts) whose colours are a function of the prompt, the request's
 * `seed` (or the simulator's) and the index, so equal requests draw equal pictures.
 * Usage: prompt_tokens = total_tokens = tokens of the prompt (and the negative prompt).
 * Latency: denoising dominates: one answer after firstChunkMs * 0.2 + msPerOutputToken × steps × n ×
 * (width × height / 1024²), times the batch slowdown and the jitter factor (latency.ts), so it grows
 * with steps, images and pixels. Quota: v1 `text2image/<suffix>`. Like rerankers, it draws from the
 * embeddings random stream and counts among the non-chat requests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_TEXT2IMAGE_N,
  DEFAULT_TEXT2IMAGE_SIZE,
  DEFAULT_TEXT2IMAGE_STEPS,
  sizePixels,
  text2imageParamProblem,
  text2imagePromptProblem,
} from '../qianfan/spec/text2image-limits.js';
import { hashString, type Random } from '../util/random.js';
import type { SimContext } from './context.js';
import { admitV1, answerV1Later, openV1JsonRequest } from './json-endpoint.js';
import { jitterFactor, slowdownFactor } from './latency.js';
import { gradientPng } from './png.js';
import { unixSeconds, v1Error } from './responses.js';
import { countSimTokens } from './tokenizer.js';

export const V1_TEXT2IMAGE_PATH = /^\/rpc\/2\.0\/ai_custom\/v1\/wenxinworkshop\/text2image\/([^/]+)\/?$/;

const REFERENCE_PIXELS = 1024 * 1024;

export interface ImageJob {
  steps: number;
  n: number;
  size: string;
}

export function text2imageDelayMs(ctx: SimContext, random: Random, job: ImageJob): number {
  const { options, stats } = ctx;
  const { width, height } = sizePixels(job.size);
  const base = options.firstChunkMs * 0.2 + options.msPerOutputToken * job.steps * job.n * ((width * height) / REFERENCE_PIXELS);
  return base * slowdownFactor(stats.inFlight, options.capacity) * jitterFactor(random, options.jitter);
}

/** The images of one answer, base64 PNGs, deterministic in the prompt, the seed and the index. */
export function drawImages(prompt: string, seed: number, n: number): Array<{ object: 'image'; b64_image: string; index: number }> {
  return Array.from({ length: n }, (_, index) => ({
    object: 'image' as const,
    b64_image: gradientPng(hashString(`${prompt}\u0000${index}`, hashString(`image:${seed}`))).toString('base64'),
    index,
  }));
}

export async function serveV1Text2Image(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL, suffix: string, arrival: number): Promise<void> {
  const { options } = ctx;
  const request = await openV1JsonRequest(ctx, req, res, url, `text2image/${suffix}`, arrival);
  if (request === undefined) return;
  const { body, fail, exchange } = request;
  const problem = text2imagePromptProblem(body.prompt) ?? text2imageParamProblem(body);
  if (problem !== undefined) return fail(v1Error(336003, problem));
  if (body.seed !== undefined && !(typeof body.seed === 'number' && Number.isInteger(body.seed))) return fail(v1Error(336003, 'seed must be an integer'));

  const prompt = body.prompt as string;
  const job: ImageJob = {
    steps: typeof body.steps === 'number' ? body.steps : DEFAULT_TEXT2IMAGE_STEPS,
    n: typeof body.n === 'number' ? body.n : DEFAULT_TEXT2IMAGE_N,
    size: typeof body.size === 'string' ? body.size : DEFAULT_TEXT2IMAGE_SIZE,
  };
  const promptTokens = countSimTokens(prompt) + (typeof body.negative_prompt === 'string' ? countSimTokens(body.negative_prompt) : 0);
  if (!admitV1(request, promptTokens)) return;
  const seed = typeof body.seed === 'number' ? body.seed : options.seed;
  answerV1Later(request, text2imageDelayMs(ctx, exchange.random, job), promptTokens, () => ({
    id: exchange.id,
    object: 'image',
    created: unixSeconds(),
    data: drawImages(prompt, seed, job.n),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  }));
}
