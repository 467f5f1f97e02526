import { describe, expect, it } from 'vitest';
import { unknownArgumentsMessage } from '../../src/cli/unknown-flags.js';

const KNOWN = ['concurrency', 'c', 'max-requests', 'dataset', 'd', 'quiet', 'q'];

describe("yargs' unknown-argument message", () => {
  it('becomes one line with the closest flag', () => {
    expect(unknownArgumentsMessage('Unknown argument: concurency', ['run', '--concurency', '4'], 'run', KNOWN)).toBe(
      'unknown flag --concurency; did you mean --concurrency? (see qfbench run --help)',
    );
  });

  it('drops the camelCase copy yargs adds and lists several flags', () => {
    const message = unknownArgumentsMessage('Unknown arguments: max-request, maxRequest, colour', ['run', '--max-request=3', '--colour', 'red'], 'run', KNOWN);
    expect(message).toBe('unknown flags --max-request (did you mean --max-requests?), --colour (see qfbench run --help)');
  });

  it('names a stray positional argument as such', () => {
    expect(unknownArgumentsMessage('Unknown argument: extra', ['run', 'extra'], 'run', KNOWN)).toBe('unexpected argument "extra" (see qfbench run --help)');
    expect(unknownArgumentsMessage('Unknown argument: x', ['run', '-x'], 'run', KNOWN)).toBe('unknown flag -x (see qfbench run --help)');
  });

  it('names a negated flag as typed and suggests the negated flag', () => {
    expect(unknownArgumentsMessage('Unknown argument: straem', ['run', '--no-straem'], 'run', [...KNOWN, 'stream'])).toBe(
      'unknown flag --no-straem; did you mean --no-stream? (see qfbench run --help)',
    );
  });

  it('leaves other messages alone', () => {
    expect(unknownArgumentsMessage('Missing required argument: out', ['merge'], 'merge', KNOWN)).toBeUndefined();
  });
});
