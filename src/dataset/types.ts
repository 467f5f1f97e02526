/** One chat message as the dataset gives it (v1 roles; `system` is separate). */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** Where a row came from, for `FILE:LINE` in every message about it. */
export interface RowSource {
  file: string;
  line: number;
}

/** One dataset row after loading and templating: ready to become requests. */
export interface DatasetRow {
  /** The row's `id`, or `<file basename>#<line>` when the dataset has none. */
  id: string;
  source: RowSource;
  /** The conversation; for a CSV row or a JSONL `prompt`, one user message. */
  messages: ChatMessage[];
  system?: string;
  /** Template variables left over (CSV extra columns, JSONL `vars`), kept for reports and assertions. */
  vars: Record<string, string>;
  /**
   * CSV only: the row's columns whose name starts with `assert` (reserved for assertions),
   * verbatim and untemplated; absent when the file has no such column.
   */
  assertColumns?: Record<string, string>;
  /** JSONL only: the record's `assert` array, as given; absent when the record has none. */
  asserts?: unknown[];
  /** JSONL only: the record's `threshold`, the score its answers must reach (eval checks the range); CSV gives it in the `assert_threshold` column. */
  threshold?: number;
  /** A trace's output length for this request: its max output tokens, over the cell's (src/dataset/trace-rows.ts). */
  maxOutputTokens?: number;
}
