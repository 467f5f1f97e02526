/**
 * Validates every request of a run before anything is sent: parameter sets per target, dataset
 * rows per target, and the declared base models of custom services. Pure: the run command prints
 * the warnings and refuses to start when there is any error.
 */
import type { DatasetRow } from '../../dataset/types.js';
import type { Params } from '../types.js';
import { checkParams } from './validation-params.js';
import { checkRowAgainst, checkRowShape, EXACT_COUNT_HINT, measureInput } from './validation-rows.js';
import { checkBaseModel, targetProfile, type Finding, type ValidationTarget } from './validation-target.js';

export { validateParams } from './validation-params.js';
export { EXACT_COUNT_HINT, measureInput, validateRow, type InputMeasure } from './validation-rows.js';
export {
  checkBaseModel,
  CUSTOM_MAX_INPUT_CHARS,
  PRESET_OUTPUT_CAP,
  SFT_CONTEXT_TOKENS,
  SFT_OUTPUT_CAP,
  type Finding,
  type ValidationTarget,
} from './validation-target.js';

export interface RunValidationInput {
  targets: readonly ValidationTarget[];
  paramSets: readonly Params[];
  rows: readonly DatasetRow[];
  /** Where parameter findings point; `-p` gives `-p temperature`. */
  paramFlag?: string;
  /** Row findings shown per level before the rest are summed up in one line; default 20. */
  maxRowFindings?: number;
}

export interface RunValidation {
  errors: Finding[];
  warnings: Finding[];
  /** Distinct row findings left out of the lists (counted in their closing "and N more" line). */
  omittedRowErrors: number;
  omittedRowWarnings: number;
}

export const DEFAULT_MAX_ROW_FINDINGS = 20;

/** Collects findings of one level, once per (where, field, message), up to a cap when asked. */
class FindingList {
  readonly shown: Finding[] = [];
  omitted = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly cap = Number.POSITIVE_INFINITY) {}

  add(finding: Finding): void {
    const key = JSON.stringify([finding.where, finding.field, finding.message]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.shown.length < this.cap) this.shown.push(finding);
    else this.omitted++;
  }
}

/** Rows that may be over one token limit of one target, summed up in one warning. */
interface NearLimitGroup {
  target: string;
  limit: number;
  rows: number;
  lowest: number;
  highest: number;
  examples: string[];
  /** The rows counted, so a row checked under two parameter sets with the same limit counts once. */
  seen: Set<string>;
}

const NEAR_LIMIT_EXAMPLES = 3;

function nearLimitLine(group: NearLimitGroup): Finding {
  const rows = group.rows === 1 ? '1 dataset row' : `${group.rows} dataset rows`;
  const about = group.lowest === group.highest ? `${group.lowest}` : `${group.lowest}-${group.highest}`;
  const more = group.rows > group.examples.length ? `, and ${group.rows - group.examples.length} more` : '';
  return {
    level: 'warning',
    where: '',
    field: 'input',
    message:
      `${rows} may be over the ${group.limit}-token input limit of ${group.target}: the local estimate (about ${about} tokens) fits, ` +
      `but it can be low by more than the margin (${group.examples.join(', ')}${more}); such rows are sent and may fail with 336103; ` +
      EXACT_COUNT_HINT,
  };
}

function moreLine(level: Finding['level'], omitted: number, shown: number): Finding {
  const noun = level === 'error' ? 'error' : 'warning';
  return {
    level,
    where: '',
    field: '',
    message: `… and ${omitted} more dataset-row ${noun}${omitted === 1 ? '' : 's'} (the first ${shown} are shown)`,
  };
}

/** The output-token request of a parameter set: SFT services check it against each row. */
function outputKey(params: Params): string {
  return JSON.stringify([params.max_output_tokens ?? null, params.min_output_tokens ?? null]);
}

export function validateRun(input: RunValidationInput): RunValidation {
  const flag = input.paramFlag ?? '-p';
  const cap = input.maxRowFindings ?? DEFAULT_MAX_ROW_FINDINGS;
  const paramSets = input.paramSets.length > 0 ? input.paramSets : [{}];
  const errors = new FindingList();
  const warnings = new FindingList();
  const rowErrors = new FindingList(cap);
  const rowWarnings = new FindingList(cap);
  const nearLimit = new Map<string, NearLimitGroup>();
  const sort = (finding: Finding, forErrors: FindingList, forWarnings: FindingList): void => {
    if (finding.nearLimit !== undefined) {
      const { target, limit, estimate } = finding.nearLimit;
      const key = JSON.stringify([target, limit]);
      const group = nearLimit.get(key) ?? { target, limit, rows: 0, lowest: estimate, highest: estimate, examples: [], seen: new Set<string>() };
      nearLimit.set(key, group);
      if (group.seen.has(finding.where)) return;
      group.seen.add(finding.where);
      group.rows++;
      group.lowest = Math.min(group.lowest, estimate);
      group.highest = Math.max(group.highest, estimate);
      if (group.examples.length < NEAR_LIMIT_EXAMPLES) group.examples.push(finding.where);
      return;
    }
    (finding.level === 'error' ? forErrors : forWarnings).add(finding);
  };

  const profiles = input.targets.map((target) => {
    if (!target.entry && target.baseModel) {
      const problem = checkBaseModel(target.baseModel);
      if (problem !== undefined) errors.add({ level: 'error', where: '--base-model', field: 'base-model', message: problem });
    }
    return targetProfile(target);
  });

  for (const profile of profiles) {
    for (const params of paramSets) for (const finding of checkParams(params, profile, flag)) sort(finding, errors, warnings);
  }

  // Parameter sets that differ in what a row check reads: only SFT services read any (the output request).
  const rowParamSets = profiles.map((profile) => {
    if (!profile.dynamicOutput) return [paramSets[0] ?? {}];
    const byOutput = new Map<string, Params>();
    for (const params of paramSets) if (!byOutput.has(outputKey(params))) byOutput.set(outputKey(params), params);
    return [...byOutput.values()];
  });

  for (const row of input.rows) {
    for (const finding of checkRowShape(row)) sort(finding, rowErrors, rowWarnings);
    const measure = measureInput(row);
    profiles.forEach((profile, index) => {
      for (const params of rowParamSets[index] ?? []) {
        for (const finding of checkRowAgainst(row, measure, profile, params)) sort(finding, rowErrors, rowWarnings);
      }
    });
  }

  const result: RunValidation = {
    errors: [...errors.shown, ...rowErrors.shown],
    warnings: [...warnings.shown, ...[...nearLimit.values()].map(nearLimitLine), ...rowWarnings.shown],
    omittedRowErrors: rowErrors.omitted,
    omittedRowWarnings: rowWarnings.omitted,
  };
  if (rowErrors.omitted > 0) result.errors.push(moreLine('error', rowErrors.omitted, rowErrors.shown.length));
  if (rowWarnings.omitted > 0) result.warnings.push(moreLine('warning', rowWarnings.omitted, rowWarnings.shown.length));
  return result;
}

/**
 * One line per finding: `FILE:LINE: field: message`. The field is left out when `where` already
 * names it (`-p temperature: temperature is 0; …`), and a summary line has neither.
 */
export function formatFinding(finding: Finding): string {
  const whereNamesField = finding.where.split(' ').at(-1)?.replace(/^-+/, '') === finding.field;
  const parts = [finding.where, whereNamesField ? '' : finding.field, finding.message].filter((part) => part !== '');
  return parts.join(': ');
}
