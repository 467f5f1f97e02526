/** `--shard I/N`: which of N slices of the plan a process sends. */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `I/N` as written on the command line: 1 <= I <= N. */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (match === null) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
}
