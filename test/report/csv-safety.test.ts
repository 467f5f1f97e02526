import { describe, expect, it } from 'vitest';
import { neutraliseCell, restoreNeutralisedCell } from '../../src/report/csv-safety.js';

describe('neutraliseCell', () => {
  it.each(['=', '+', '-', '@', '\t', '\r'])('prefixes a cell starting with %j', (lead) => {
    const value = `${lead}SUM(A1:A9)`;
    expect(neutraliseCell(value)).toBe(`'${value}`);
  });

  it('defuses the classic payloads', () => {
    expect(neutraliseCell('=HYPERLINK("http://x","click")')).toBe(`'=HYPERLINK("http://x","click")`);
    expect(neutraliseCell("@SUM(1+1)*cmd|' /C calc'!A0")).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(neutraliseCell('-2+3')).toBe("'-2+3");
  });

  it('leaves normal and Chinese text untouched', () => {
    for (const value of ['', 'hello', '你好，世界', '1+1=2', 'a=b', ' =not first', "'quoted", '文心一言 = ERNIE']) {
      expect(neutraliseCell(value)).toBe(value);
    }
  });

  it('only looks at the first character, and adds one quote only', () => {
    expect(neutraliseCell('==')).toBe("'==");
    expect(neutraliseCell("'=already")).toBe("'=already");
  });
});

describe('restoreNeutralisedCell', () => {
  it('undoes exactly what neutraliseCell did, for display', () => {
    for (const value of ['=SUM(A1)', '-item', '+1', '@x', '\tindent', '\rcr', 'plain', '你好', "'quoted", '']) {
      expect(restoreNeutralisedCell(neutraliseCell(value))).toBe(value);
    }
  });
});
