/**
 * Where a run's figures come from when it is not one uninterrupted run of a whole plan: a merge of
 * shards (forced or not), one shard, a run resumed over several sessions, or a summary rebuilt from
 * requests.csv. Every output (console, summary.csv, report.html, Markdown) says it, in these words.
 */
import type { RunSummary } from '../metrics/types.js';

/** One line per fact, for a banner or notice; empty for a plain run. */
export function provenanceLines(summary: Pick<RunSummary, 'run'>): string[] {
  const run = summary.run;
  const lines: string[] = [];
  const merged = run.merged;
  if (merged !== undefined) {
    const shards = merged.runs.map((entry) => (entry.shard !== undefined ? `${entry.shard.index}/${entry.shard.count}` : 'whole plan')).join(', ');
    const hosts = [...new Set(merged.runs.map((entry) => entry.host).filter((host): host is string => host !== undefined))];
    const groups = merged.overlapGroups;
    const overlap =
      groups.length <= 1
        ? 'their time windows overlapped, so rates are summed'
        : `${groups.length} groups of overlapping runs (${groupList(groups)}): rates summed within a group, windows added across`;
    lines.push(`MERGED from ${merged.runs.length} runs (shards ${shards}${hosts.length > 0 ? `; hosts ${hosts.join(', ')}` : ''}); ${overlap}`);
    if (merged.forced) lines.push('FORCED merge: the runs are not the slices of one plan exactly once; the figures are not those of one run');
  } else if (run.shard !== undefined) {
    lines.push(`SHARD ${run.shard.index}/${run.shard.count}: one slice of the plan; \`qfbench merge\` the shards for the whole`);
  }
  const sessions = run.sessions ?? [];
  if (merged === undefined && sessions.length > 1) {
    lines.push(`RESUMED: ${sessions.length} sessions; throughput counts the time each session spent sending, not the pauses between them`);
  }
  if (run.rebuiltFromRows === true) {
    lines.push('REBUILT from requests.csv (the run ended before it wrote its summary): no cost and no inter-chunk figures');
  }
  return lines;
}

/** A few words for a CSV column: `merged 3 runs`, `shard 2/3`, `resumed 3 sessions`, `rebuilt from rows`, or `single`. */
export function provenanceTag(summary: Pick<RunSummary, 'run'>): string {
  const run = summary.run;
  const tags: string[] = [];
  if (run.merged !== undefined) tags.push(`merged ${run.merged.runs.length} runs${run.merged.forced ? ' (forced)' : ''}`);
  else if (run.shard !== undefined) tags.push(`shard ${run.shard.index}/${run.shard.count}`);
  if (run.merged === undefined && (run.sessions?.length ?? 0) > 1) tags.push(`resumed ${run.sessions?.length} sessions`);
  if (run.rebuiltFromRows === true) tags.push('rebuilt from rows');
  return tags.length > 0 ? tags.join('; ') : 'single';
}

/** `1+2, 3`: the runs (1-based) of each overlap group. */
function groupList(groups: readonly (readonly number[])[]): string {
  return groups.map((group) => group.map((index) => index + 1).join('+')).join(', ');
}
