/**
 * What a Stable-Diffusion-XL request (`text2image/sd_xl`) may carry. The reference (qianfan-api.md
 * §2) lists the fields; the ranges are the platform's SDXL page as recalled, not yet confirmed by a
 * written source: prompt and negative_prompt <= 1,024 characters, `size` one of six sizes (default
 * 1024x1024), `n` 1..4 images (default 1), `steps` 10..50 (default 20), `cfg_scale` (0, 30].
 * A platform fact both sides read: the client's pre-check refuses what the simulator would.
 */
export const MAX_TEXT2IMAGE_PROMPT_CHARS = 1024;
export const TEXT2IMAGE_SIZES: readonly string[] = ['768x768', '768x1024', '1024x768', '576x1024', '1024x576', '1024x1024'];
export const DEFAULT_TEXT2IMAGE_SIZE = '1024x1024';
export const DEFAULT_TEXT2IMAGE_STEPS = 20;
export const DEFAULT_TEXT2IMAGE_N = 1;
export const TEXT2IMAGE_STEPS = { min: 10, max: 50 } as const;
export const TEXT2IMAGE_N = { min: 1, max: 4 } as const;

function isIntegerIn(value: unknown, range: { min: number; max: number }): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** Why the optional fields would be refused; undefined when they are fine (absent fields take their defaults). */
export function text2imageParamProblem(fields: Record<string, unknown>): string | undefined {
  const { size, n, steps, cfg_scale: cfgScale, negative_prompt: negative } = fields;
  if (size !== undefined && (typeof size !== 'string' || !TEXT2IMAGE_SIZES.includes(size))) return `size must be one of ${TEXT2IMAGE_SIZES.join(', ')}`;
  if (n !== undefined && !isIntegerIn(n, TEXT2IMAGE_N)) return `n must be an integer in [${TEXT2IMAGE_N.min}, ${TEXT2IMAGE_N.max}]`;
  if (steps !== undefined && !isIntegerIn(steps, TEXT2IMAGE_STEPS)) return `steps must be an integer in [${TEXT2IMAGE_STEPS.min}, ${TEXT2IMAGE_STEPS.max}]`;
  if (cfgScale !== undefined && !(typeof cfgScale === 'number' && cfgScale > 0 && cfgScale <= 30)) return 'cfg_scale must be a number in (0, 30]';
  if (negative !== undefined && (typeof negative !== 'string' || [...negative].length > MAX_TEXT2IMAGE_PROMPT_CHARS)) {
    return `negative_prompt must be a string of at most ${MAX_TEXT2IMAGE_PROMPT_CHARS} characters`;
  }
  return undefined;
}

/** Why a prompt would be refused; undefined when it is fine. */
export function text2imagePromptProblem(prompt: unknown): string | undefined {
  if (typeof prompt !== 'string' || prompt.trim() === '') return 'prompt must be a non-empty string';
  const length = [...prompt].length;
  return length > MAX_TEXT2IMAGE_PROMPT_CHARS ? `prompt has ${length} characters, more than ${MAX_TEXT2IMAGE_PROMPT_CHARS}` : undefined;
}

/** Width x height of a valid `size`. */
export function sizePixels(size: string): { width: number; height: number } {
  const [width, height] = size.split('x').map(Number);
  return { width: width ?? 1024, height: height ?? 1024 };
}
