/**
 * Text bound for a terminal, made inert: a server's message can hold ANSI escapes (clear the
 * screen, move the cursor, set the window title, hyperlinks), a bell, a carriage return that
 * overwrites the line, or bidi overrides that make a line read differently than it is. Each such
 * character is shown as a visible escape (`\x1b`, `\x07`, `\u202e`) instead of acting.
 * Apply it at the terminal boundary: the logger, the CLI's error line, console tables.
 */

/** C0 controls, DEL, C1 controls; bidi embeddings, overrides and isolates; line and paragraph separators. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export interface TerminalSafeOptions {
  /** Keep `\n` (a multi-line message); default true. `\t` is always kept. */
  newlines?: boolean;
}

/** `text` with every control character, escape and bidi control replaced by a visible escape. */
export function terminalSafe(text: string, options: TerminalSafeOptions = {}): string {
  const keepNewlines = options.newlines ?? true;
  return text.replace(UNSAFE, (char) => {
    if (char === '\t' || (char === '\n' && keepNewlines)) return char;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
