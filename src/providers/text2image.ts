/**
 * Text-to-image requests and answers, v1 `POST …/wenxinworkshop/text2image/{endpoint}` (SDXL:
 * `sd_xl`, qianfan-api.md §2): the row's last user turn is the `prompt`, the cell's parameters
 * (`size`, `n`, `steps`, `negative_prompt`, …) go as they are; the answer is
 * `data: [{object: "image", b64_image, index}]` with `usage`. Pure functions, no I/O.
 */
import type { ProviderRequest } from './types.js';

export function v1Text2ImageBody(request: ProviderRequest): string {
  return JSON.stringify({ prompt: request.messages.at(-1)?.content ?? '', ...request.params });
}

/** How many images the request asks for: `n`, 1 when unset. */
export function imagesRequested(params: ProviderRequest['params']): number {
  return typeof params.n === 'number' && Number.isInteger(params.n) && params.n > 0 ? params.n : 1;
}

/** A text-to-image answer's output column: how many images of how many bytes (not the base64). */
export function describeImages(body: Record<string, unknown>): string | undefined {
  if (body.object !== 'image' || !Array.isArray(body.data)) return undefined;
  const images = body.data as Array<{ b64_image?: unknown }>;
  const bytes = images.reduce((sum, image) => sum + (typeof image.b64_image === 'string' ? Buffer.byteLength(image.b64_image, 'base64') : 0), 0);
  return `${images.length} image${images.length === 1 ? '' : 's'}, ${bytes} bytes`;
}
