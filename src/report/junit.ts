/**
 * JUnit XML, the format CI systems (GitHub test reporters, GitLab, Jenkins) read test results
 * from: `<testsuites>` of `<testsuite>`s of `<testcase>`s, each passed, failed (`<failure>`) or
 * skipped (`<skipped>`). Everything in it may be untrusted text (row ids, model output quoted in
 * reasons): it is escaped, and characters XML 1.0 cannot hold at all (most control characters,
 * lone surrogates) are dropped, so the file is always well-formed.
 */
import { writeFileAtomic } from './fs-util.js';

export interface JunitCase {
  name: string;
  classname: string;
  timeSeconds?: number;
  failure?: { message: string; details?: string };
  skipped?: string;
}

export interface JunitSuite {
  name: string;
  cases: readonly JunitCase[];
}

// Everything outside XML 1.0's Char production: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text content: `&`, `<`, `>` escaped; characters XML cannot hold dropped. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value: quotes escaped too, and line breaks and tabs as references so parsers keep them. */
export function xmlAttribute(value: string): string {
  return xmlText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

const MESSAGE_CHARS = 500;

function seconds(value: number | undefined): string {
  return (value !== undefined && Number.isFinite(value) && value >= 0 ? value : 0).toFixed(3);
}

function renderCase(testCase: JunitCase): string {
  const open = `    <testcase name="${xmlAttribute(testCase.name)}" classname="${xmlAttribute(testCase.classname)}" time="${seconds(testCase.timeSeconds)}"`;
  if (testCase.failure !== undefined) {
    const { message, details } = testCase.failure;
    const short = Array.from(message).length > MESSAGE_CHARS ? `${Array.from(message).slice(0, MESSAGE_CHARS).join('')}…` : message;
    return `${open}>\n      <failure message="${xmlAttribute(short)}" type="AssertionError">${xmlText(details ?? message)}</failure>\n    </testcase>`;
  }
  if (testCase.skipped !== undefined) return `${open}>\n      <skipped message="${xmlAttribute(testCase.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

function counts(cases: readonly JunitCase[]): { tests: number; failures: number; skipped: number; time: number } {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.failure !== undefined).length,
    skipped: cases.filter((c) => c.failure === undefined && c.skipped !== undefined).length,
    time: cases.reduce((sum, c) => sum + (c.timeSeconds ?? 0), 0),
  };
}

export function renderJunitXml(suites: readonly JunitSuite[], options: { name: string; timestamp?: string }): string {
  const all = counts(suites.flatMap((suite) => suite.cases));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttribute(options.name)}" tests="${all.tests}" failures="${all.failures}" errors="0" skipped="${all.skipped}" time="${seconds(all.time)}">`,
  ];
  for (const suite of suites) {
    const c = counts(suite.cases);
    const stamp = options.timestamp !== undefined ? ` timestamp="${xmlAttribute(options.timestamp)}"` : '';
    lines.push(`  <testsuite name="${xmlAttribute(suite.name)}" tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${seconds(c.time)}"${stamp}>`);
    lines.push(...suite.cases.map(renderCase));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

export async function writeJunitXml(path: string, suites: readonly JunitSuite[], options: { name: string; timestamp?: string }): Promise<void> {
  await writeFileAtomic(path, renderJunitXml(suites, options));
}
