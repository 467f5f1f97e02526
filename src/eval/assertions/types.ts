/**
 * The shape every assertion type has (one type per file in this folder, promptfoo-style): a
 * `compile` step that checks and prepares the value before anything is sent, and a pure `check`
 * of one answer.
 */

/** What an assertion looks at: one answer and what was measured about it. */
export interface AssertionSubject {
  output: string;
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  completionTokens: number | undefined;
  /** Whether the request streamed (TTFT exists only then). */
  stream: boolean;
  /** The answer came from a recording: its timings measure nothing. */
  replayed: boolean;
  /** v1's safety and truncation flags and the finish reason; undefined where the answer has none (not Qianfan v1). */
  needClearHistory?: boolean | undefined;
  banRound?: number | undefined;
  isTruncated?: boolean | undefined;
  finishReason?: string | undefined;
  /** Row and cell, for javascript checks. */
  context: AssertionContext;
}

export interface AssertionContext {
  rowId: string;
  vars: Readonly<Record<string, string>>;
  model: string;
  params: Readonly<Record<string, unknown>>;
}

/**
 * A check's finding. `pass` with a reason that describes what was found either way (so a `not-`
 * form can reuse it); `unknown` when the answer cannot be judged (it fails, negated or not);
 * `skip` when the check does not apply (timing checks of a replayed answer).
 */
export type Verdict = { pass: boolean; reason: string } | { unknown: string } | { skip: string };

export interface CompileContext {
  /** Folder of the dataset file: `file:` references are relative to it. */
  baseDir: string;
  /** Time limit of one javascript check, milliseconds. */
  jsTimeoutMs: number;
  /** The assertion's own `threshold`, as written; given only to a type that takes one (`takesThreshold`). */
  threshold?: unknown;
}

export interface AssertionType<Compiled> {
  /** The name datasets use (`contains`); `not-` + name negates it. */
  readonly name: string;
  /** What the value must be, for error messages. */
  readonly expects: string;
  /** What the assertion's own `threshold` means for this type (`levenshtein`: the most edits allowed); a type without it refuses one. */
  readonly takesThreshold?: string;
  /** Checks and prepares the raw value (a CSV cell's text, or a JSONL `value`); throws `AssertionValueError`. */
  compile(raw: unknown, context: CompileContext): Compiled | Promise<Compiled>;
  /** Short text naming the expectation in reasons: `"Paris"`, `≤ 3000 ms`. */
  describe(compiled: Compiled): string;
  check(compiled: Compiled, subject: AssertionSubject): Verdict;
}

/** A value an assertion cannot use; the caller adds where it was written. */
export class AssertionValueError extends Error {
  override readonly name = 'AssertionValueError';
}

/** Declares an assertion type with its compiled value's type inferred. */
export function assertionType<Compiled>(type: AssertionType<Compiled>): AssertionType<Compiled> {
  return type;
}
