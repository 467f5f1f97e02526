import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, cutRedacted, redact, redactSecrets, registerSecret } from '../../src/util/redact.js';

const SECRET = 'tok-0123456789abcdefghij';

afterEach(() => clearSecrets());

describe('redact', () => {
  it('masks registered secrets, their URL-encoded form, and query-string credentials', () => {
    registerSecret('a/b+c=d-secret');
    registerSecret(SECRET);
    expect(redact(`x ${SECRET} y a%2Fb%2Bc%3Dd-secret z ?access_token=abc&q=1`)).toBe('x *** y *** z ?access_token=***&q=1');
    // Answers: registered values only, ordinary text untouched.
    expect(redactSecrets(`say api_key=demo and ${SECRET}`)).toBe('say api_key=demo and ***');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    registerSecret('abcdef');
    registerSecret('abcdef-longer-secret');
    expect(redact('abcdef-longer-secret')).toBe('***');
  });
});

describe('cutRedacted', () => {
  it('redacts before the cut: a secret straddling the cut leaves nothing behind', () => {
    registerSecret(SECRET);
    const text = `${'x'.repeat(101)}${SECRET} and more`;
    const cut = cutRedacted(text, 120);
    expect(cut).toBe(`${'x'.repeat(101)}*** and more`);
    expect(cut).not.toContain(SECRET.slice(0, 4));
  });

  it('masks the start of a secret that the cut keeps (an unregistered prefix of the text)', () => {
    registerSecret(SECRET);
    // The text itself holds only the first 10 characters, right at the cut.
    const cut = cutRedacted(`${'y'.repeat(30)}${SECRET.slice(0, 10)}zzzzzzzzzz`, 40);
    expect(cut).toBe(`${'y'.repeat(30)}***…`);
  });

  it('leaves short texts and unrelated cuts alone', () => {
    registerSecret(SECRET);
    expect(cutRedacted('short', 120)).toBe('short');
    expect(cutRedacted('a'.repeat(10), 5)).toBe('aaaaa…');
  });
});
