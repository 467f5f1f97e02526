/**
 * Checks one dataset row as a v1 chat request: the conversation's shape (odd count, alternating
 * roles ending with the user, no empty turn), the input against the model's character and token
 * budgets, and for SFT services the input plus the requested output against the 8K context.
 */
import { estimateTokenBand } from '../../qianfan/spec/token-estimate.js';
import type { DatasetRow } from '../../dataset/types.js';
import type { Params } from '../types.js';
import { countCodePoints, describeValue, targetProfile, type Finding, type TargetProfile, type ValidationTarget } from './validation-target.js';

/** The size of a row's input: `system` plus every message content. */
export interface InputMeasure {
  /** Unicode code points, as the server counts characters. */
  chars: number;
  /** The local estimate (estimateTokens), never the server's count; the real count is at least this. */
  estimatedTokens: number;
  /** The top of the estimate's error band: the real count may reach this (estimateTokenBand). */
  highTokens: number;
}

export function rowWhere(row: DatasetRow): string {
  return `${row.source.file}:${row.source.line}`;
}

export function measureInput(row: DatasetRow): InputMeasure {
  const pieces: string[] = [];
  if (typeof row.system === 'string' && row.system !== '') pieces.push(row.system);
  for (const message of row.messages) if (typeof message.content === 'string') pieces.push(message.content);
  const chars = pieces.reduce((sum, piece) => sum + countCodePoints(piece), 0);
  const band = estimateTokenBand(pieces.join('\n'));
  return { chars, estimatedTokens: band.estimate, highTokens: band.high };
}

/** The conversation rules; they do not depend on the target, so a run checks them once per row. */
export function checkRowShape(row: DatasetRow): Finding[] {
  const where = rowWhere(row);
  const findings: Finding[] = [];
  const add = (field: string, message: string): void => {
    findings.push({ level: 'error', where, field, message });
  };
  const messages: readonly { role: unknown; content: unknown }[] = row.messages;
  const count = messages.length;
  if (count === 0) {
    add('messages', 'the conversation has no messages; Qianfan v1 needs at least one user message');
    return findings;
  }
  if (count % 2 === 0) {
    add('messages', `the conversation has ${count} messages; Qianfan v1 needs an odd count (user, assistant, …, user)`);
  }
  let lastRoleFlagged = false;
  messages.forEach((message, index) => {
    const expected = index % 2 === 0 ? 'user' : 'assistant';
    if (message.role !== expected) {
      const turns = `Qianfan v1 needs the roles in turn user, assistant, user, …, so messages[${index}] must be "${expected}"`;
      add(`messages[${index}].role`, `role is ${describeRole(message.role)}; ${turns}`);
      if (index === count - 1) lastRoleFlagged = true;
    }
    const content = message.content;
    if (typeof content !== 'string') {
      add(`messages[${index}].content`, `content is ${describeValue(content)}; every message needs text`);
    } else if (content.trim() === '') {
      const what = content === '' ? 'empty' : `only whitespace (${countCodePoints(content)} characters)`;
      add(`messages[${index}].content`, `content is ${what}; every message needs text`);
    }
  });
  const last = messages[count - 1];
  if (last && last.role !== 'user' && !lastRoleFlagged) {
    add(`messages[${count - 1}].role`, `the last message has role ${describeRole(last.role)}; the conversation must end with the user's turn`);
  }
  if (row.system !== undefined && typeof row.system !== 'string') {
    add('system', `system is ${describeValue(row.system)}; it must be text`);
  }
  return findings;
}

function describeRole(role: unknown): string {
  return typeof role === 'string' ? JSON.stringify(role) : describeValue(role);
}

/** A valid output-token request, or undefined (a bad value is validateParams' to report). */
function outputTokens(params: Params, field: string): number | undefined {
  const value = params[field];
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The checks of one row that depend on the target (and, for SFT services, on the parameters). */
export function checkRowAgainst(row: DatasetRow, measure: InputMeasure, profile: TargetProfile, params: Params): Finding[] {
  const where = rowWhere(row);
  const findings: Finding[] = [];
  if (profile.maxInputChars !== null && measure.chars > profile.maxInputChars) {
    findings.push({
      level: 'error',
      where,
      field: 'input',
      message:
        `the input is ${measure.chars} characters (system plus every message, counted in Unicode code points); ` +
        `${profile.label} accepts at most ${profile.maxInputChars}`,
    });
  }
  if (profile.maxInputTokens !== null) {
    if (measure.estimatedTokens > profile.maxInputTokens) {
      findings.push({
        level: 'error',
        where,
        field: 'input',
        message:
          `the input is about ${measure.estimatedTokens} tokens (a local estimate; the server counts its own); ` +
          `${profile.label} accepts at most ${profile.maxInputTokens}`,
      });
    } else if (measure.highTokens > profile.maxInputTokens) {
      findings.push(nearLimitFinding(where, measure, profile.maxInputTokens, profile.label));
    }
  }
  if (profile.maxTotalTokens !== undefined) {
    const total = profile.maxTotalTokens;
    const given = params.max_output_tokens !== undefined;
    const max = outputTokens(params, 'max_output_tokens');
    // Unset, the output is capped at the default (1,024): that is the split's output side.
    const output = given ? max : profile.defaultOutputCap;
    if (output !== undefined && measure.estimatedTokens + output > total) {
      const field = given ? 'max_output_tokens' : 'input';
      const outputWords = given ? `max_output_tokens is ${output}` : `the output cap is ${output} (max_output_tokens unset)`;
      findings.push({
        level: 'error',
        where,
        field,
        message:
          `the input is about ${measure.estimatedTokens} tokens (a local estimate) and ${outputWords}: ` +
          `${measure.estimatedTokens + output} in total, over the ${total}-token budget (input plus output) of ${profile.label}`,
      });
    } else if (output !== undefined && measure.highTokens + output > total) {
      findings.push(nearLimitFinding(where, measure, total - output, `${profile.label} beside an output cap of ${output}`));
    }
  }
  const system = row.system;
  if (typeof system === 'string' && system !== '' && profile.acceptedParams && !profile.acceptedParams.has('system')) {
    findings.push({ level: 'warning', where, field: 'system', message: `${profile.label} does not accept system; the server ignores it` });
  }
  return findings;
}

/** The command lines that count tokens exactly, named wherever an estimate decides. */
export const EXACT_COUNT_HINT = '`qfbench tokens -d FILE -m MODEL` or `qfbench estimate --tokenizer server` gives exact counts';

/** A row whose estimate fits `limit` but whose error band reaches past it: a warning, not a refusal. */
function nearLimitFinding(where: string, measure: InputMeasure, limit: number, target: string): Finding {
  return {
    level: 'warning',
    where,
    field: 'input',
    message:
      `the input is about ${measure.estimatedTokens} tokens by the local estimate, which can be low: the real count may reach ` +
      `${measure.highTokens}, over the ${limit}-token input limit of ${target}; ${EXACT_COUNT_HINT}`,
    nearLimit: { target, limit, estimate: measure.estimatedTokens, high: measure.highTokens },
  };
}

/** Every check of one row for one target and parameter set. */
export function validateRow(row: DatasetRow, target: ValidationTarget, params: Params): Finding[] {
  return [...checkRowShape(row), ...checkRowAgainst(row, measureInput(row), targetProfile(target), params)];
}
