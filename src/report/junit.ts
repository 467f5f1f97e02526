/**
 * JUnit XML, the format CI systems (GitHub test reporters, GitLab, Jenkins) read test results
 * from: `<testsuites>` of `<testsuite>`s of `<testcase>`s, each passed, failed (`<failure>`: a
 * check said no), errored (`<error>`: there was nothing to check, the request got no answer) or
 * skipped (`<skipped>`). Everything in it may be untrusted text (row ids, model output quoted in
 * reasons): it is escaped, and characters XML 1.0 cannot hold at all (most control characters,
 * lone surrogates) are dropped, so the file is always well-formed.
 */
import { cutRedacted, redactSecrets } from '../util/redact.js';
import { writeFileAtomic } from '../util/fs-util.js';

export interface JunitCase {
  name: string;
  classname: string;
  timeSeconds?: number;
  failure?: { message: string; details?: string };
  /** The test could not run: `type` says why (a request's outcome and error code, such as `failed invalid_api_key`). */
  error?: { type: string; message: string; details?: string };
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
  // Any registered key or token quoted in a name, a reason or an answer is masked here, in one place.
  return redactSecrets(value).replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
  if (testCase.error !== undefined) {
    const { type, message, details } = testCase.error;
    return (
      `${open}>\n      <error message="${xmlAttribute(cutRedacted(message, MESSAGE_CHARS))}" ` +
      `type="${xmlAttribute(type)}">${xmlText(details ?? message)}</error>\n    </testcase>`
    );
  }
  if (testCase.failure !== undefined) {
    const { message, details } = testCase.failure;
    return (
      `${open}>\n      <failure message="${xmlAttribute(cutRedacted(message, MESSAGE_CHARS))}" ` +
      `type="AssertionError">${xmlText(details ?? message)}</failure>\n    </testcase>`
    );
  }
  if (testCase.skipped !== undefined) return `${open}>\n      <skipped message="${xmlAttribute(testCase.skipped)}"/>\n    </testcase>`;
  return `${open}/>`;
}

/** A case is an error, else a failure, else skipped (JUnit gives each case one status). */
export function junitCounts(cases: readonly JunitCase[]): { tests: number; failures: number; errors: number; skipped: number; time: number } {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.error === undefined && c.failure !== undefined).length,
    errors: cases.filter((c) => c.error !== undefined).length,
    skipped: cases.filter((c) => c.error === undefined && c.failure === undefined && c.skipped !== undefined).length,
    time: cases.reduce((sum, c) => sum + (c.timeSeconds ?? 0), 0),
  };
}

export function renderJunitXml(suites: readonly JunitSuite[], options: { name: string; timestamp?: string }): string {
  const all = junitCounts(suites.flatMap((suite) => suite.cases));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttribute(options.name)}" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" skipped="${all.skipped}" ` +
      `time="${seconds(all.time)}">`,
  ];
  for (const suite of suites) {
    const c = junitCounts(suite.cases);
    const stamp = options.timestamp !== undefined ? ` timestamp="${xmlAttribute(options.timestamp)}"` : '';
    lines.push(
      `  <testsuite name="${xmlAttribute(suite.name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" ` +
        `time="${seconds(c.time)}"${stamp}>`,
    );
    lines.push(...suite.cases.map(renderCase));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

export async function writeJunitXml(path: string, suites: readonly JunitSuite[], options: { name: string; timestamp?: string }): Promise<void> {
  await writeFileAtomic(path, renderJunitXml(suites, options));
}
