import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, renderHtmlReport } from '../../src/report/html.js';
import { makeCell, makeRecord, makeSummary } from './fixtures.js';

const HOSTILE = `<script>alert(1)</script><img src=x onerror="alert('x')"> & "quotes"`;

function embeddedJson(page: string): unknown {
  const match = /<script type="application\/json" id="qfbench-summary">([\s\S]*?)<\/script>/.exec(page);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('renderHtmlReport', () => {
  it('escapes a hostile model answer and a hostile model name', () => {
    const summary = makeSummary({
      cells: [makeCell({ model: HOSTILE, label: HOSTILE, errors: { '<b>': { count: 1, message: HOSTILE } } })],
    });
    const page = renderHtmlReport(summary, {
      requests: [makeRecord({ output: HOSTILE, rowId: HOSTILE }), makeRecord({ seq: 1, outcome: 'failed', errorMsg: HOSTILE, output: '' })],
    });
    // The only script element is the JSON data block; no data-made tags or handlers.
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/<[^>]*\sonerror\s*=/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;&#47;script&gt;');
    expect(page).toContain('&quot;quotes&quot;');
    expect(page).toContain('&#39;x&#39;');
    // The embedded JSON cannot close its element and still parses back to the summary.
    expect(embeddedJson(page)).toEqual(summary);
  });

  it('is self-contained: no external URL anywhere', () => {
    const summary = makeSummary();
    const page = renderHtmlReport(summary, {
      requests: [makeRecord({ output: 'see https://example.com/x.png and http://evil.example/' })],
    });
    expect(summary.run.baseUrl).toMatch(/^https:\/\//);
    expect(page).not.toMatch(/https?:\/\//i);
    expect(page).not.toMatch(/<[^>]+\s(?:src|href|srcset|action|poster|data)\s*=/i);
    expect(page).not.toMatch(/url\(|@import/i);
    expect(page).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<link\b/i);
    // The base URL is still shown (as escaped text).
    expect(page).toContain('https:&#47;&#47;qianfan.baidubce.com&#47;v2');
  });

  it('shows SIMULATED when simulated, and not otherwise', () => {
    const sim = renderHtmlReport(makeSummary({ simulated: true }), { requests: [makeRecord()] });
    expect(sim).toContain('class="sim-banner"');
    expect(sim).toMatch(/<strong>SIMULATED<\/strong>/);
    expect(sim).toMatch(/<title>\[SIMULATED\]/);
    // Each figure table carries the tag.
    const tables = sim.match(/<table[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(3);
    for (const table of tables) expect(table).toContain('<span class="sim-tag">simulated</span>');

    const real = renderHtmlReport(makeSummary({ simulated: false }), { requests: [makeRecord()] });
    expect(real).not.toContain('SIMULATED');
    expect(real).not.toContain('class="sim-banner"');
    expect(real).not.toContain('class="sim-tag"');
  });

  it('shows run metadata, the comparison, errors by code and the requests', () => {
    const page = renderHtmlReport(makeSummary(), {
      requests: [
        makeRecord({ rowId: 'row-42', output: '中文回答' }),
        makeRecord({ seq: 1, outcome: 'throttled', errorCode: '18', errorMsg: 'qps limit', output: '' }),
      ],
    });
    for (const text of ['ernie-speed-8k', 'ernie-4.0-8k', 'temperature = 0.3, 0.9', 'datasets&#47;demo.csv (5 rows)',
      '2025-01-02T03:04:05.000Z', 'qianfan-v2', '0.1.0', '336003', 'invalid argument', 'row-42', '中文回答', 'qps limit',
      '1200.0', '2400.0', '192.0']) {
      expect(page).toContain(text);
    }
    expect(page).toContain('<dt>Seed</dt><dd>7</dd>');
  });

  it('shows at most 2000 requests and cuts long answers', () => {
    const requests = Array.from({ length: 2500 }, (_, seq) =>
      makeRecord({ seq, rowId: `row-${seq}`, output: `${'长'.repeat(400)}END${seq}` }),
    );
    const page = renderHtmlReport(makeSummary(), { requests });
    expect(page).toContain('row-1999<');
    expect(page).not.toContain('row-2000<');
    expect(page).toContain('Showing the first 2000 of 2500 requests');
    expect(page).not.toContain('END0');
    expect(page).toContain(`${'长'.repeat(300)}…`);
    expect(page).not.toContain('长'.repeat(301));
  });

  it('works without requests and without errors', () => {
    const summary = makeSummary({ cells: [makeCell({ errors: {} })] });
    const page = renderHtmlReport(summary);
    expect(page).toContain('No errors.');
    expect(page).not.toContain('id="requests"');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
  });
});

describe('escaping helpers', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
    expect(escapeHtml('中文')).toBe('中文');
  });

  it('makes JSON safe inside a script element', () => {
    const value = { a: '</script><!-- \u2028\u2029 & https://x' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>\u2028\u2029]/);
    expect(json).not.toContain('//');
    expect(JSON.parse(json)).toEqual(value);
  });
});
