/**
 * The "Sessions" section of report.html (--sessions runs): per cell, how its conversations went
 * (completed, ended early and why, history cleared or trimmed, session latency), and the time to
 * first token by the length of the history a turn carried. Left out when no cell has sessions.
 */
import type { CellSessions, CellSummary, RunSummary } from '../metrics/types.js';
import { countText, DASH, escapeHtml, msText, renderTable, section } from './html-kit.js';

type SessionCell = CellSummary & { sessions: CellSessions };

function endedEarlyHtml(sessions: CellSessions): string {
  const entries = Object.entries(sessions.endedEarly).filter(([, count]) => count > 0);
  if (entries.length === 0) return DASH;
  return entries.map(([why, count]) => `${escapeHtml(why.replaceAll('_', ' '))} ${countText(count)}`).join(', ');
}

function renderConversations(cells: readonly SessionCell[], simulated: boolean): string {
  return renderTable(
    cells,
    [
      { header: 'Cell', html: (c) => escapeHtml(c.label) },
      { header: 'Conversations', html: (c) => countText(c.sessions.conversations), numeric: true, title: 'Sessions of the file x repeats' },
      { header: 'Completed', html: (c) => countText(c.sessions.completed), numeric: true, title: 'Every planned turn answered ok' },
      { header: 'Turns ok', html: (c) => `${countText(c.sessions.turnsOk)} / ${countText(c.sessions.turnsPlanned)}`, numeric: true },
      { header: 'Ended early', html: (c) => endedEarlyHtml(c.sessions), title: 'Why: the outcome of the turn that ended it, overflow or empty answer' },
      { header: 'Cleared', html: (c) => countText(c.sessions.cleared), numeric: true, title: 'Turns sent without history after need_clear_history' },
      { header: 'Trimmed', html: (c) => countText(c.sessions.trimmed), numeric: true, title: 'Turns sent with their oldest turns left out to fit' },
      { header: 'Session p50 ms', html: (c) => (c.sessions.latencyMs.count > 0 ? msText(c.sessions.latencyMs.p50) : DASH), numeric: true },
      { header: 'Session p95 ms', html: (c) => (c.sessions.latencyMs.count > 0 ? msText(c.sessions.latencyMs.p95) : DASH), numeric: true },
    ],
    { caption: 'Conversations per cell (session latency: first turn sent to last turn answered, think time included)', simulated },
  );
}

function renderTtftByHistory(cells: readonly SessionCell[], simulated: boolean): string {
  const buckets = [...new Set(cells.flatMap((c) => c.sessions.ttftByHistory.map((entry) => entry.priorTurns)))];
  if (buckets.length === 0) return '';
  return renderTable(
    cells,
    [
      { header: 'Cell', html: (c) => escapeHtml(c.label) },
      ...buckets.map((bucket) => ({
        header: bucket,
        numeric: true,
        title: `Turns sent with ${bucket} earlier turns: TTFT p50 in ms (turns)`,
        html: (c: SessionCell) => {
          const entry = c.sessions.ttftByHistory.find((candidate) => candidate.priorTurns === bucket);
          return entry === undefined ? DASH : `${msText(entry.ttftP50Ms)} <small>(${countText(entry.turns)})</small>`;
        },
      })),
    ],
    { caption: 'TTFT p50 ms by earlier turns in the history (ok turns in brackets)', simulated },
  );
}

export function renderSessionsSection(summary: RunSummary): string {
  const cells = summary.cells.filter((cell): cell is SessionCell => cell.sessions !== undefined);
  if (cells.length === 0) return '';
  const note =
    '<p class="note">Each session ran as a conversation: every turn after the first was sent with the model’s real answers to the ' +
    'earlier turns, and <code>-c</code> sessions were in flight at once. See <code>history_action</code> in requests.csv for the turns ' +
    'whose history was trimmed or cleared.</p>';
  return section(
    'sessions',
    'Multi-turn sessions',
    [note, renderConversations(cells, summary.run.simulated), renderTtftByHistory(cells, summary.run.simulated)].join('\n'),
  );
}
