/** Every assertion type by name. A name with `not-` in front negates any of them. */
import { containsAll } from './contains-all.js';
import { containsAny } from './contains-any.js';
import { contains } from './contains.js';
import { equals } from './equals.js';
import { flagged } from './flagged.js';
import { icontainsAll } from './icontains-all.js';
import { icontainsAny } from './icontains-any.js';
import { icontains } from './icontains.js';
import { isJson } from './is-json.js';
import { javascript } from './javascript.js';
import { latencyMs } from './latency-ms.js';
import { levenshtein } from './levenshtein.js';
import { maxLength } from './max-length.js';
import { maxTokens } from './max-tokens.js';
import { minLength } from './min-length.js';
import { regex } from './regex.js';
import { startsWith } from './starts-with.js';
import type { AssertionType } from './types.js';
import { truncated } from './truncated.js';
import { ttftMs } from './ttft-ms.js';
import { wordCountType } from './word-count.js';

export type { AssertionContext, AssertionSubject, CompileContext, Verdict } from './types.js';
export { AssertionValueError } from './types.js';

// Each entry keeps its own compiled-value type (methods are bivariant, so they fit side by side).
const TYPES: ReadonlyArray<AssertionType<unknown>> = [
  equals,
  contains,
  icontains,
  containsAny,
  containsAll,
  icontainsAny,
  icontainsAll,
  levenshtein,
  regex,
  startsWith,
  isJson,
  minLength,
  maxLength,
  wordCountType,
  latencyMs,
  ttftMs,
  maxTokens,
  flagged,
  truncated,
  javascript,
];

export const ASSERTION_TYPES: readonly string[] = TYPES.map((type) => type.name);

/** The type of a name (`contains`, `not-contains`; `_` may stand for `-`, case is ignored), or undefined. */
export function findAssertionType(name: string): { type: AssertionType<unknown>; negate: boolean } | undefined {
  const normal = name.trim().toLowerCase().replaceAll('_', '-');
  const negate = normal.startsWith('not-');
  const base = negate ? normal.slice('not-'.length) : normal;
  const type = TYPES.find((candidate) => candidate.name === base);
  return type === undefined ? undefined : { type, negate };
}
