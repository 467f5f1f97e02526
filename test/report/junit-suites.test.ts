import { describe, expect, it } from 'vitest';
import { junitSuites } from '../../src/report/junit-suites.js';
import type { RowCellTally } from '../../src/eval/tally.js';
import { evaluateThresholds } from '../../src/eval/thresholds/evaluate.js';
import { parseThreshold } from '../../src/config/threshold-expression.js';
import { renderJunitXml, type JunitSuite } from '../../src/report/junit.js';
import { makeCell, makeSummary } from './fixtures.js';

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function unescape(text: string): string {
  return text.replace(ENTITY, (entity) => {
    const named: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
    if (named[entity] !== undefined) return named[entity];
    const hex = entity.startsWith('&#x');
    return String.fromCodePoint(Number.parseInt(entity.slice(hex ? 3 : 2, -1), hex ? 16 : 10));
  });
}

function checkCharacterData(text: string, where: string): void {
  if (text.includes('<')) throw new Error(`raw < in ${where}`);
  if (text.replace(ENTITY, '').includes('&')) throw new Error(`bare & in ${where}`);
}

/** A strict little parser for the subset JUnit uses; throws on anything that is not well-formed. */
function parseXml(xml: string): Element {
  if (!XML_CHAR.test(xml)) throw new Error('a character XML 1.0 does not allow');
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (declaration === null) throw new Error('no XML declaration');
  const tag = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}="[^"]*")*)\\s*(/?)>`, 'y');
  const stack: Element[] = [];
  let root: Element | undefined;
  let at = declaration[0].length;
  while (at < xml.length) {
    const next = xml.indexOf('<', at);
    const text = xml.slice(at, next === -1 ? xml.length : next);
    checkCharacterData(text, 'text');
    if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root');
    if (stack.length > 0) (stack.at(-1) as Element).text += unescape(text);
    if (next === -1) break;
    tag.lastIndex = next;
    const match = tag.exec(xml);
    if (match === null) throw new Error(`malformed tag at ${next}: ${xml.slice(next, next + 40)}`);
    const [whole, closing, name, attributeText, selfClosing] = match as unknown as [string, string, string, string, string];
    at = next + whole.length;
    if (closing === '/') {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of attributeText.matchAll(new RegExp(`(${NAME})="([^"]*)"`, 'g'))) {
      checkCharacterData(value as string, `attribute ${key}`);
      if (Object.hasOwn(attributes, key as string)) throw new Error(`duplicate attribute ${key}`);
      attributes[key as string] = unescape(value as string);
    }
    const element: Element = { name, attributes, children: [], text: '' };
    if (stack.length > 0) (stack.at(-1) as Element).children.push(element);
    else if (root !== undefined) throw new Error('two root elements');
    else root = element;
    if (selfClosing !== '/') stack.push(element);
  }
  if (stack.length > 0 || root === undefined) throw new Error('unclosed elements');
  return root;
}

const HOSTILE = 'a <b> & "c" \'d\' ]]> \u0001\u0008\uFFFE\uD800 end\nsecond line\ttab 你好 😀';

describe('JUnit XML', () => {
  it('is well-formed and keeps hostile text as text', () => {
    const suites: JunitSuite[] = [
      {
        name: `suite ${HOSTILE}`,
        cases: [
          { name: HOSTILE, classname: 'cls & <x>', timeSeconds: 1.23456, failure: { message: HOSTILE, details: `details ${HOSTILE}` } },
          { name: 'skipped', classname: 'c', skipped: 'not sent: "budget" <reached>' },
          { name: 'passed', classname: 'c' },
        ],
      },
      { name: 'empty', cases: [] },
    ];
    const root = parseXml(renderJunitXml(suites, { name: 'qfbench', timestamp: '2026-01-02T03:04:05.000Z' }));
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toMatchObject({ tests: '3', failures: '1', errors: '0', skipped: '1', time: '1.235' });
    const [suite, empty] = root.children as [Element, Element];
    const cleaned = HOSTILE.replace(/[\u0001\u0008\uFFFE\uD800]/g, '');
    expect(suite.attributes['name']).toBe(`suite ${cleaned}`);
    expect(suite.attributes['timestamp']).toBe('2026-01-02T03:04:05.000Z');
    const [failed, skipped, passed] = suite.children as [Element, Element, Element];
    expect(failed.attributes).toMatchObject({ name: cleaned, classname: 'cls & <x>', time: '1.235' });
    expect(failed.children[0]?.name).toBe('failure');
    expect(failed.children[0]?.attributes['message']).toBe(cleaned);
    expect(failed.children[0]?.text).toBe(`details ${cleaned}`);
    expect(skipped.children[0]).toMatchObject({ name: 'skipped', attributes: { message: 'not sent: "budget" <reached>' } });
    expect(passed.children).toEqual([]);
    expect(empty.attributes).toMatchObject({ tests: '0', failures: '0' });
  });

  it('has one case per row x cell, failing with each repeat’s reason (an error when a repeat got no answer), then thresholds', () => {
    const cells = [makeCell({ id: 'c1', label: 'ERNIE-Speed-8K' }), makeCell({ id: 'c2', label: 'ERNIE-4.0-8K', model: 'ernie-4.0-8k' })];
    const tally = (cellId: string, rowId: string, rowOrder: number, extra: Partial<RowCellTally> = {}): RowCellTally => ({
      rowId,
      rowOrder,
      cellId,
      cellLabel: cellId,
      requests: 2,
      seconds: 2.5,
      failures: [],
      errors: [],
      skips: [],
      ...extra,
    });
    const rowCells = [
      tally('c1', 'q1', 0),
      tally('c1', 'q2', 1, {
        failures: [{ repeat: 1, reason: 'contains "x": output does not contain "x"' }],
        errors: [{ repeat: 0, reason: 'no answer: timeout', outcome: 'timeout' }],
      }),
      tally('c1', 'q3', 2, { failures: [{ repeat: 1, reason: 'contains "y": output does not contain "y"' }] }),
      tally('c2', 'q1', 0, {
        skips: [
          { repeat: 0, reason: 'not sent: stopped' },
          { repeat: 1, reason: 'not sent: stopped' },
        ],
      }),
    ];
    const parsed = parseThreshold('ttft.p95<1');
    if (!parsed.ok) throw new Error(parsed.message);
    const thresholds = evaluateThresholds([parsed.threshold], makeSummary({ cells }));
    const root = parseXml(renderJunitXml(junitSuites({ cells, rowCells, thresholds }), { name: 'qfbench' }));
    expect(root.children.map((suite) => [suite.attributes['name'], suite.children.map((c) => c.attributes['name'])])).toEqual([
      ['ERNIE-Speed-8K', ['q1', 'q2', 'q3']],
      ['ERNIE-4.0-8K', ['q1']],
      ['thresholds', ['ttft.p95<1 [ERNIE-Speed-8K]', 'ttft.p95<1 [ERNIE-4.0-8K]']],
    ]);
    // A repeat without an answer makes the case an <error> (nothing could be checked), not an AssertionError.
    const error = root.children[0]?.children[1]?.children[0];
    expect(error?.name).toBe('error');
    expect(error?.attributes).toMatchObject({ type: 'timeout', message: '1 of 2 repeats got no answer; repeat 0: no answer: timeout' });
    expect(error?.text).toBe('repeat 0: no answer: timeout\nrepeat 1: contains "x": output does not contain "x"');
    const failure = root.children[0]?.children[2]?.children[0];
    expect(failure?.name).toBe('failure');
    expect(failure?.attributes['message']).toBe('1 of 2 repeats failed; repeat 1: contains "y": output does not contain "y"');
    expect(root.children[0]?.attributes).toMatchObject({ tests: '3', failures: '1', errors: '1' });
    expect(root.children[1]?.children[0]?.children[0]?.name).toBe('skipped');
    expect(root.children[2]?.children[0]?.children[0]?.attributes['message']).toBe('ttft.p95 = 510.0 ms (limit < 1.0 ms)');
  });
});
