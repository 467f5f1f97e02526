/** `--summary-md FILE`: the run's table and its checks; appended to GitHub's job summary too when it is set. */
import type { RunVerdict } from '../eval/verdict.js';
import type { RunSummary } from '../metrics/types.js';
import type { Logger } from '../util/logger.js';

export async function writeSummaryMarkdown(path: string, summary: RunSummary, verdict: RunVerdict, logger: Logger): Promise<void> {
  const { appendGithubStepSummary, renderRunMarkdown } = await import('../report/markdown.js');
  const { renderChecksMarkdown } = await import('../report/checks-markdown.js');
  const { writeFileAtomic } = await import('../util/fs-util.js');
  const markdown = `${renderRunMarkdown(summary)}\n${renderChecksMarkdown(summary, verdict)}`;
  await writeFileAtomic(path, markdown);
  logger.info(`wrote ${path}`);
  if (await appendGithubStepSummary(markdown)) logger.info('appended the summary to GITHUB_STEP_SUMMARY');
}
