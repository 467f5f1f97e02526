/**
 * The last gate before anything is sent: every request of the run is validated against the model
 * catalog (parameters, conversation shape, input and output limits). Errors stop the run with one
 * message listing them; warnings are printed and the run goes on.
 */
import type { ParamGrid } from '../config/params.js';
import { checkParamKeys, expandGrid } from '../config/params.js';
import type { DatasetRow } from '../dataset/types.js';
import { configError } from '../errors.js';
import type { ModelTarget } from '../plan/plan.js';
import { findModel, isEmbeddingModel, isRerankerModel, isText2ImageModel, isTokenizerModel, type Catalog, type ModelEntry } from '../qianfan/spec/catalog.js';
import { rerankFindings } from './rerank-checks.js';
import { text2imageFindings } from './text2image-checks.js';
import { formatFinding, validateRun, type ValidationTarget } from '../providers/qianfan/validation.js';
import { targetProfile } from '../providers/qianfan/validation-target.js';
import type { Logger } from '../util/logger.js';

export interface RequestCheckInput {
  targets: readonly ModelTarget[];
  /** Endpoints given with --endpoint (services of the user's own), and the model they were tuned from. */
  customEndpoints: ReadonlySet<string>;
  baseModel?: ModelEntry;
  catalog: Catalog;
  grid: ParamGrid;
  rows: readonly DatasetRow[];
  logger: Logger;
  /** --allow-unknown-params: a -p key no model accepts is sent (with a warning) instead of refused. */
  allowUnknownParams?: boolean;
}

export function checkRequestsBeforeSending(input: RequestCheckInput): void {
  const targets: ValidationTarget[] = [];
  // Per model, the optional fields it accepts; undefined where they are unknown.
  const accepted: Array<ReadonlySet<string> | undefined> = [];
  const rerankers: ModelEntry[] = [];
  let drawsImages = false;
  for (const target of input.targets) {
    const validationTarget: ValidationTarget = { model: target.model, endpoint: target.endpoint };
    if (input.customEndpoints.has(target.endpoint)) {
      if (input.baseModel !== undefined) validationTarget.baseModel = input.baseModel;
    } else {
      const entry = findModel(input.catalog, target.model);
      if (entry === undefined) {
        // A model an OpenAI-compatible server offers outside the catalog: its limits are unknown.
        input.logger.warn(`${target.model} is not in the model catalog: its input and parameter limits are not checked before sending`);
        accepted.push(undefined);
        continue;
      }
      // Embedding inputs are plain texts with no conversation shape, and the catalog lists no limits for them.
      if (isEmbeddingModel(entry)) {
        accepted.push(undefined);
        continue;
      }
      // A reranker's input is a query and documents, checked apart (rerank-checks.ts).
      if (isRerankerModel(entry)) {
        rerankers.push(entry);
        accepted.push(new Set(entry.params));
        continue;
      }
      // A text-to-image prompt and its SDXL parameters, checked apart (text2image-checks.ts).
      // The tokenizer takes any prompt the dataset loader accepted (up to 512,000 characters).
      if (isTokenizerModel(entry)) {
        accepted.push(new Set(entry.params));
        continue;
      }
      if (isText2ImageModel(entry)) {
        drawsImages = true;
        accepted.push(new Set(entry.params));
        continue;
      }
      validationTarget.entry = entry;
    }
    targets.push(validationTarget);
    accepted.push(targetProfile(validationTarget).acceptedParams);
  }
  checkParamKeys(input.grid, accepted, input.allowUnknownParams === true);
  const kindErrors = [
    ...(rerankers.length > 0 ? rerankFindings(rerankers, expandGrid(input.grid), input.rows) : []),
    ...(drawsImages ? text2imageFindings(expandGrid(input.grid), input.rows) : []),
  ];
  if (targets.length === 0 && kindErrors.length === 0) return;
  const result = targets.length > 0 ? validateRun({ targets, paramSets: expandGrid(input.grid), rows: input.rows }) : { warnings: [], errors: [] };
  for (const warning of result.warnings) input.logger.warn(formatFinding(warning));
  if (result.errors.length > 0 || kindErrors.length > 0) {
    // The list already ends with an "… and N more" line when rows were left out.
    const lines = [...result.errors.map(formatFinding), ...kindErrors];
    const heading = 'refusing to start; found before sending anything:';
    throw configError(lines.length === 1 ? (lines[0] as string) : [heading, ...lines.map((line) => `  ${line}`)].join('\n'));
  }
}
