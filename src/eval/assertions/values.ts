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
