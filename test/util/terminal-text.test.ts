import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../src/util/terminal-text.js';

describe('terminalSafe', () => {
  it('shows ESC, BEL, CR, NUL, DEL, C1 and bidi controls as visible escapes', () => {
    expect(terminalSafe('a\u001b[2Jb\u0007c\rd\u0000e\u007ff\u009bg\u202eh\u2066i')).toBe('a\\x1b[2Jb\\x07c\\x0dd\\x00e\\x7ff\\x9bg\\u202eh\\u2066i');
  });

  it('keeps tabs and newlines, or flattens newlines on request', () => {
    expect(terminalSafe('a\tb\nc')).toBe('a\tb\nc');
    expect(terminalSafe('a\tb\nc', { newlines: false })).toBe('a\tb\\x0ac');
  });

  it('leaves ordinary text, CJK and emoji as they are', () => {
    expect(terminalSafe('人工智能 ✓ 🚀 ¥0.00')).toBe('人工智能 ✓ 🚀 ¥0.00');
  });
});
