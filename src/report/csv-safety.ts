/**
 * CSV-injection ("formula injection") defence, following the OWASP recommendation: a spreadsheet
 * treats a cell that starts with `=`, `+`, `-`, `@`, TAB or CR as a formula, so untrusted text
 * (model output, dataset text, server error messages, names) gets a leading single quote, which
 * spreadsheets show as plain text. Numbers qfbench formats itself are never passed through here, so
 * a negative number stays a number.
 */
const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r']);

/** `value` with a `'` in front when its first character could start a spreadsheet formula. */
export function neutraliseCell(value: string): string {
  const first = value.charAt(0);
  return first !== '' && FORMULA_TRIGGERS.has(first) ? `'${value}` : value;
}

/**
 * The text `neutraliseCell` was given, for showing a cell read back from a qfbench CSV (an answer
 * that began with `-` should not show a `'` in the HTML report). A value that really began with
 * `'` followed by a trigger character comes back without its quote: rare, and harmless in a
 * report.
 */
export function restoreNeutralisedCell(value: string): string {
  return value.length >= 2 && value.charAt(0) === "'" && FORMULA_TRIGGERS.has(value.charAt(1)) ? value.slice(1) : value;
}
