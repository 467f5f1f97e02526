/**
 * report.html and compare.html in a real browser: Debian's headless Chromium driven by
 * playwright-core (never `playwright install`: the browser comes from the system). The pages are
 * made by the real CLI from real simulator runs, with hostile text planted in the data; the test
 * fails on any console error, page error or request to anything but the file itself, checks the
 * layout rules of the first screen (verdict and every cell inside 1,280 x 900, no horizontal
 * overflow, the cell table sorts and switches column sets), and saves screenshots to test/.artifacts/.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    `SKIPPING the browser test: ${CHROMIUM} not found. Install Debian's Chromium to run it ` +
      '(apt-get update && apt-get install -y chromium); .ci/run does this in CI.',
  );
}

const ARTIFACTS = join(REPO_ROOT, 'test/.artifacts');
const HOSTILE_PROMPT = '<script>window.__pwned=1</script>Say hello';
const HOSTILE_ID = '<img src=x onerror="window.__pwned=3">';
const MARKER = 'HOSTILE-MARKER-42';
const HOSTILE_OUTPUT = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">${MARKER}`;
const RUN = [
  'run',
  '--sim',
  '-m',
  'ernie-speed-8k',
  '-m',
  'ernie-4.0-8k',
  '-p',
  'temperature=0.3,0.9',
  '-c',
  '8',
  '--seed',
  '3',
  '--quiet',
  '--sim-opt',
  'msPerOutputToken=1',
  '--sim-opt',
  'prefillMsPerToken=0',
];

let root: string;
let baseDir: string;
let compareDir: string;
let context: BrowserContext | undefined;
let profile: string | undefined;

async function cli(args: string[]): Promise<string> {
  const result = await runCli(args, { timeoutMs: 60_000, env: { GITHUB_STEP_SUMMARY: undefined } });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** Put the hostile answer into one ok row of requests.csv, as if a model had written it. */
async function plantHostileOutput(dir: string): Promise<void> {
  const path = join(dir, 'requests.csv');
  const rows = parse(await readFile(path, 'utf8')) as string[][];
  const header = rows[0]!;
  const output = header.indexOf('output');
  const outcome = header.indexOf('outcome');
  const target = rows.findIndex((row, i) => i > 0 && row[outcome] === 'ok');
  rows[target]![output] = HOSTILE_OUTPUT;
  await writeFile(path, stringify(rows, { record_delimiter: 'unix' }));
}

interface Watched {
  page: Page;
  problems: string[];
}

async function open(file: string, width: number): Promise<Watched> {
  const page = await context!.newPage();
  await page.setViewportSize({ width, height: 900 });
  const url = pathToFileURL(file).href;
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== url) problems.push(`request to ${request.url()}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

/** Charts: inline SVGs, each with drawn marks. */
async function chartMarks(page: Page): Promise<number[]> {
  return page.$$eval('figure.chart svg', (svgs) => svgs.map((svg) => svg.querySelectorAll('.role-mark path, .role-mark rect, .role-mark line').length));
}

async function noHorizontalOverflow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1);
}

beforeAll(async () => {
  if (!hasChromium) return;
  root = await tempDir('qfbench-browser-');
  const dataset = join(root, 'hostile.csv');
  await writeFile(
    dataset,
    stringify([
      ['id', 'prompt'],
      ['greeting', '你好，请介绍一下你自己。'],
      [HOSTILE_ID, HOSTILE_PROMPT],
      ['formula', '=1+1 is what?'],
      ['summary', 'Summarise: the early bird catches the worm.'],
    ]),
  );
  baseDir = join(root, 'base');
  const candidateDir = join(root, 'candidate');
  compareDir = join(root, 'compare');
  await cli([...RUN, '-d', dataset, '--repeat', '3', '--sim-opt', 'firstChunkMs=40', '--out', baseDir]);
  await plantHostileOutput(baseDir);
  await cli(['report', baseDir, '--quiet']);
  // 80 ms slower to the first chunk: a regression the statistics find even when a busy machine adds its own delay.
  await cli([...RUN, '-d', dataset, '--repeat', '3', '--sim-opt', 'firstChunkMs=120', '--out', candidateDir]);
  await cli(['compare', baseDir, candidateDir, '--out', compareDir, '--quiet']);
  await mkdir(ARTIFACTS, { recursive: true });
  profile = await mkdtemp(join(tmpdir(), 'qfbench-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

describe('reports in headless Chromium', () => {
  it.skipIf(!hasChromium)(
    'report.html renders offline: charts, tables, hostile text as text, working filters',
    async () => {
      const { page, problems } = await open(join(baseDir, 'report.html'), 1280);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator('.sim-banner').textContent()).toContain('SIMULATED');

      const marks = await chartMarks(page);
      expect(marks.length).toBeGreaterThanOrEqual(5);
      for (const count of marks) expect(count).toBeGreaterThan(0);
      expect(await page.locator('table.cells tbody tr').count()).toBe(4);
      const requests = page.locator('#requests-table tbody tr');
      expect(await requests.count()).toBe(4 * 4 * 3);

      // The planted answer and the hostile row id show as text.
      const cell = page.locator('#requests-table td', { hasText: MARKER });
      await expect.poll(() => cell.count()).toBe(1);
      expect(await cell.textContent()).toBe(HOSTILE_OUTPUT);
      expect(await cell.isVisible()).toBe(true);
      expect(await page.locator('#requests-table td', { hasText: HOSTILE_ID }).count()).toBe(4 * 3);
      expect(await page.locator('#requests-table img, #requests-table script').count()).toBe(0);

      // The filter script ran under the CSP (allowed by its hash) and filters by text and outcome.
      expect(await page.locator('#request-filters').isVisible()).toBe(true);
      await page.fill('#filter-text', MARKER);
      expect(await page.locator('#requests-table tbody tr:not([hidden])').count()).toBe(1);
      await page.fill('#filter-text', '');
      await page.selectOption('#filter-outcome', 'ok');
      expect(await page.locator('#filter-count').textContent()).toMatch(/^\d+ of 48 rows shown$/);

      await page.screenshot({ path: join(ARTIFACTS, 'report-desktop.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await noHorizontalOverflow(page)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'report-phone.png'), fullPage: false });
      await page.locator('#charts').screenshot({ path: join(ARTIFACTS, 'report-phone-charts.png') });
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(problems).toEqual([]);
      await page.close();
    },
    120_000,
  );

  it.skipIf(!hasChromium)(
    'report.html at 1,280 x 900: the verdict and every cell first, no horizontal overflow, sortable cell table, column sets',
    async () => {
      const { page, problems } = await open(join(baseDir, 'report.html'), 1280);
      // Nothing wider than the window, at 1,280 and at 1,920.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

      // The verdict (checks, objectives) and every cell's name sit inside the first screen.
      const verdict = page.locator('#verdict');
      expect(await verdict.locator('.checks-box').textContent()).toMatch(/exit code \d+/);
      expect(await verdict.locator('li.objective').count()).toBeGreaterThanOrEqual(5);
      const bottoms = await page.evaluate(() => ({
        verdict: document.getElementById('verdict')!.getBoundingClientRect().bottom,
        cells: Array.from(document.querySelectorAll('table.cells tbody tr td:first-child'), (td) => td.getBoundingClientRect().bottom),
      }));
      expect(bottoms.verdict).toBeLessThanOrEqual(900);
      expect(bottoms.cells).toHaveLength(4);
      for (const bottom of bottoms.cells) expect(bottom).toBeLessThanOrEqual(900);
      // The run metadata is below and folded.
      expect(await page.locator('#run details').getAttribute('open')).toBeNull();
      expect(await page.locator('#run dl').isVisible()).toBe(false);

      // The best value of a column is marked in words too, not by colour alone.
      expect(await page.locator('table.cells .best-mark').first().textContent()).toContain('best');

      // Column sets: Overview first; Latency shows the p90 columns and hides the overview's.
      const latencyP90 = page.locator('table.cells th[title="Latency p90, ms"]');
      const okColumn = page.locator('table.cells th[title="ok requests"]');
      expect(await latencyP90.isVisible()).toBe(false);
      expect(await okColumn.isVisible()).toBe(true);
      await page.click('label[for="cols-latency"]');
      expect(await latencyP90.isVisible()).toBe(true);
      expect(await okColumn.isVisible()).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.click('label[for="cols-overview"]');

      // Sorting: a click on the latency p50 header orders the rows by it, a second click reverses them.
      const header = page.locator('table.cells th.set-overview[title="Latency p50, ms"]');
      const column = await header.evaluate((th) => Array.prototype.indexOf.call(th.parentElement!.children, th) as number);
      const values = (): Promise<number[]> =>
        page.$$eval('table.cells tbody tr', (rows, index) => rows.map((row) => Number(row.children[index]!.getAttribute('data-sort'))), column);
      await header.click();
      expect(await header.getAttribute('aria-sort')).toBe('ascending');
      const ascending = await values();
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      await header.click();
      expect(await header.getAttribute('aria-sort')).toBe('descending');
      expect(await values()).toEqual([...ascending].reverse());
      // The cell names moved with their rows.
      expect(await page.locator('table.cells tbody tr td:first-child .cell-name').count()).toBe(4);

      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(ARTIFACTS, 'report-1280-first-screen.png') });
      await page.setViewportSize({ width: 1920, height: 1080 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'report-1920-first-screen.png') });
      expect(problems).toEqual([]);
      await page.close();
    },
    120_000,
  );

  it.skipIf(!hasChromium)(
    'compare.html renders offline with its delta chart and tables',
    async () => {
      const { page, problems } = await open(join(compareDir, 'compare.html'), 1280);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      const marks = await chartMarks(page);
      expect(marks).toHaveLength(1);
      expect(marks[0]).toBeGreaterThan(0);
      expect(await page.locator('table.deltas').count()).toBe(4);
      expect(await page.locator('.verdict-regression').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, 'compare-desktop.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await noHorizontalOverflow(page)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'compare-phone.png'), fullPage: false });
      expect(problems).toEqual([]);
      await page.close();
    },
    120_000,
  );
});
