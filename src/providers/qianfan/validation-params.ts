/**
 * Checks one parameter set against what Qianfan v1 accepts (qianfan-api.md §3): the ranges of the
 * sampling and output fields, the shape of `stop`, and which fields the target model reads at all.
 */
import type { Params, ParamValue } from '../types.js';
import {
  MIN_OUTPUT_TOKENS,
  SFT_OUTPUT_CAP,
  countCodePoints,
  describeValue,
  quote,
  targetProfile,
  type Finding,
  type TargetProfile,
  type ValidationTarget,
} from './validation-target.js';

interface RangeRule {
  low: number;
  high: number;
  /** The low end itself is refused (temperature 0). */
  lowOpen?: boolean;
  integer?: boolean;
}

const SAMPLING_RULES: Readonly<Record<string, RangeRule>> = {
  temperature: { low: 0, high: 1, lowOpen: true },
  top_p: { low: 0, high: 1 },
  penalty_score: { low: 1, high: 2 },
  frequency_penalty: { low: -2, high: 2 },
  presence_penalty: { low: -2, high: 2 },
};

/** `top_k` is a positive integer (Dolly-12B page, qianfan-api.md §9); no upper bound is documented. */
const TOP_K_RULE: RangeRule = { low: 1, high: Number.POSITIVE_INFINITY, integer: true };

const MAX_STOP_STRINGS = 4;
const MAX_STOP_CHARS = 20;

function rangeWords(rule: RangeRule): string {
  if (!Number.isFinite(rule.high)) return `at least ${rule.low}`;
  if (rule.integer) return `from ${rule.low} to ${rule.high}`;
  return `${rule.lowOpen ? 'greater than' : 'at least'} ${rule.low} and at most ${rule.high}`;
}

/**
 * Checks a value against a range; returns the complaint, or undefined when it fits. `owner` names
 * whose limit it is when it is not the general one ("for ERNIE-Character-8K").
 */
function checkRange(field: string, value: ParamValue, rule: RangeRule, owner?: string): string | undefined {
  const kind = rule.integer ? 'a whole number' : 'a number';
  const scope = owner === undefined ? '' : `${owner} `;
  if (typeof value !== 'number') {
    return `${field} is ${describeValue(value)}; ${scope}it must be ${kind} ${rangeWords(rule)}`;
  }
  if (!Number.isFinite(value)) return `${field} is ${String(value)}; ${scope}it must be a finite number ${rangeWords(rule)}`;
  if (rule.integer && !Number.isInteger(value)) return `${field} is ${value}; ${scope}it must be ${kind} ${rangeWords(rule)}`;
  const tooLow = rule.lowOpen ? value <= rule.low : value < rule.low;
  if (tooLow || value > rule.high) return `${field} is ${value}; ${scope}it must be ${rangeWords(rule)}`;
  return undefined;
}

function checkOutputTokens(field: string, value: ParamValue, profile: TargetProfile): string | undefined {
  const rule: RangeRule = { low: MIN_OUTPUT_TOKENS, high: profile.outputCap, integer: true };
  const problem = checkRange(field, value, rule, profile.outputCapOwner);
  const base = profile.sftBaseOfPreset;
  if (problem !== undefined && base && typeof value === 'number' && value > profile.outputCap && value <= SFT_OUTPUT_CAP) {
    return (
      `${problem}; output up to ${SFT_OUTPUT_CAP} tokens needs an SFT-published service of ${base.name} ` +
      `(--endpoint SUFFIX --base-model ${base.name}), not the preset service ${base.endpoint}`
    );
  }
  return problem;
}

function checkStop(value: ParamValue): string[] {
  if (!Array.isArray(value)) {
    return [`stop is ${describeValue(value)}; it must be a list of at most ${MAX_STOP_STRINGS} strings`];
  }
  const problems: string[] = [];
  if (value.length > MAX_STOP_STRINGS) {
    problems.push(`stop has ${value.length} strings; at most ${MAX_STOP_STRINGS} are allowed`);
  }
  value.forEach((item: unknown, index) => {
    const label = `stop string ${index + 1}`;
    if (typeof item !== 'string') {
      problems.push(`${label} is ${describeValue(item)}; each stop entry must be a string`);
    } else if (item.length === 0) {
      // Whitespace is a real stop string ("\n" ends at a line break); only nothing at all is refused.
      problems.push(`${label} is empty; each stop string needs at least 1 character`);
    } else if (countCodePoints(item) > MAX_STOP_CHARS) {
      problems.push(`${label} ${quote(item)} is ${countCodePoints(item)} characters; each may have at most ${MAX_STOP_CHARS}`);
    }
  });
  return problems;
}

/**
 * Checks one parameter set for one target. `flag` prefixes where each finding points: with the
 * default, a bad temperature is reported at `-p temperature`.
 */
export function validateParams(params: Params, target: ValidationTarget, flag = '-p'): Finding[] {
  return checkParams(params, targetProfile(target), flag);
}

export function checkParams(params: Params, profile: TargetProfile, flag: string): Finding[] {
  const findings: Finding[] = [];
  const add = (level: Finding['level'], field: string, message: string): void => {
    findings.push({ level, where: `${flag} ${field}`, field, message });
  };
  for (const [field, value] of Object.entries(params)) {
    if (profile.acceptedParams && field !== 'stream' && !profile.acceptedParams.has(field)) {
      add('warning', field, `${profile.label} does not accept ${field}; the server ignores it`);
    }
    const rule = SAMPLING_RULES[field];
    let problems: string[] = [];
    if (rule) {
      const problem = checkRange(field, value, rule);
      if (problem !== undefined) problems = [problem];
    } else if (field === 'max_output_tokens' || field === 'min_output_tokens') {
      const problem = checkOutputTokens(field, value, profile);
      if (problem !== undefined) problems = [problem];
    } else if (field === 'stop') {
      problems = checkStop(value);
    } else if (field === 'top_k' && (profile.acceptedParams === undefined || profile.acceptedParams.has('top_k'))) {
      // Where the model reads it (Dolly-12B and the other third-party models): a positive integer.
      const problem = checkRange(field, value, TOP_K_RULE);
      if (problem !== undefined) problems = [problem];
    }
    for (const problem of problems) add('error', field, problem);
  }
  const { max_output_tokens: max, min_output_tokens: min } = params;
  if (typeof max === 'number' && typeof min === 'number' && Number.isFinite(max) && Number.isFinite(min) && min > max) {
    add('error', 'min_output_tokens', `min_output_tokens is ${min}; it must not be greater than max_output_tokens (${max})`);
  }
  if (max === undefined && typeof min === 'number' && Number.isFinite(min) && min > profile.defaultOutputCap) {
    add(
      'error',
      'min_output_tokens',
      `min_output_tokens is ${min} without max_output_tokens; the output is capped at ${profile.defaultOutputCap} tokens when ` +
        `max_output_tokens is unset, so the answer could never reach it: give max_output_tokens too (-p max_output_tokens=${min})`,
    );
  }
  return findings;
}
