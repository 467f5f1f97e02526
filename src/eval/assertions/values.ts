/** Reading assertion values strictly: CSV cells are text, JSONL values may be JSON scalars too. */
import { describeValue } from '../../dataset/common.js';
import { AssertionValueError } from './types.js';

const INTEGER = /^\d+$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** A non-empty string (a JSONL number is taken as its decimal text). */
export function textValue(raw: unknown, name: string): string {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string') throw new AssertionValueError(`${name} needs a text value; got ${describe(raw)}`);
  if (raw === '') throw new AssertionValueError(`${name} needs a non-empty value`);
  return raw;
}

/** A whole number of 0 or more, given as a number or as digits. */
export function countValue(raw: unknown, name: string): number {
  const value = typeof raw === 'string' && INTEGER.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new AssertionValueError(`${name} needs a whole number of 0 or more; got ${describe(raw)}`);
  }
  return value;
}

/** A positive number of milliseconds, given as a number or as decimal digits. */
export function millisecondsValue(raw: unknown, name: string): number {
  const value = typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new AssertionValueError(`${name} needs a positive number of milliseconds; got ${describe(raw)}`);
  }
  return value;
}

/** What a value is, for "got …" in messages. */
export function describe(raw: unknown): string {
  return raw === undefined ? 'no value' : describeValue(raw);
}

/** A value quoted for a reason, cut to a readable length. */
export function quote(text: string, max = 60): string {
  const chars = Array.from(text);
  return JSON.stringify(chars.length <= max ? text : `${chars.slice(0, max).join('')}…`);
}

/** Length in characters (Unicode code points), as a reader counts them. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * A list of non-empty texts: a JSON array of strings (numbers are taken as their decimal text),
 * or one text of comma-separated items, each trimmed, where `\,` is a comma inside an item and
 * `\\` a backslash (a CSV cell, or a `TYPE:VALUE` line).
 */
export function textListValue(raw: unknown, name: string): string[] {
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new AssertionValueError(`${name} needs at least one item; got an empty array`);
    return raw.map((item, index) => {
      if (typeof item === 'number' && Number.isFinite(item)) return String(item);
      if (typeof item !== 'string' || item === '') throw new AssertionValueError(`${name}: item ${index} must be a non-empty string; got ${describe(item)}`);
      return item;
    });
  }
  if (typeof raw !== 'string') throw new AssertionValueError(`${name} needs a list of texts; got ${describe(raw)}`);
  const items = splitCommaList(raw);
  const empty = items.findIndex((item) => item === '');
  if (empty !== -1) throw new AssertionValueError(`${name}: item ${empty + 1} of ${JSON.stringify(raw)} is empty`);
  return items;
}

/** `a, b\, c` → `a`, `b, c`: items trimmed; a backslash makes the next character literal. */
function splitCommaList(text: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\' && (text[i + 1] === ',' || text[i + 1] === '\\')) {
      current += text[i + 1];
      i++;
    } else if (char === ',') {
      items.push(current.trim());
      current = '';
    } else current += char;
  }
  items.push(current.trim());
  return items;
}

/** Items quoted and joined for a reason: `"a", "b"`. */
export function quoteAll(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).map((item) => quote(item, 40));
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}
