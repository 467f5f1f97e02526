import { describe, expect, it } from 'vitest';
import { renderSessionsSection } from '../../src/report/html-sessions.js';
import { dist, makeCell, makeSummary } from './fixtures.js';

describe('the Multi-turn sessions section', () => {
  it('is left out of runs without sessions', () => {
    expect(renderSessionsSection(makeSummary({ cells: [makeCell()] }))).toBe('');
  });

  it('shows conversations, early ends by reason and TTFT by history bucket per cell, escaped', () => {
    const cell = makeCell({
      label: 'ERNIE <b>',
      sessions: {
        conversations: 4,
        completed: 3,
        turnsPlanned: 12,
        turnsOk: 10,
        endedEarly: { failed: 1, empty_answer: 0 },
        cleared: 1,
        trimmed: 2,
        latencyMs: dist(5000),
        ttftByHistory: [
          { priorTurns: '0', turns: 4, ttftP50Ms: 300, ttftP95Ms: 320 },
          { priorTurns: '3-4', turns: 2, ttftP50Ms: 410.25, ttftP95Ms: 450 },
        ],
      },
    });
    const html = renderSessionsSection(makeSummary({ simulated: true, cells: [cell] }));
    expect(html).toContain('<section id="sessions">');
    expect(html).toContain('ERNIE &lt;b&gt;');
    expect(html).toContain('10 / 12');
    expect(html).toContain('failed 1');
    expect(html).not.toContain('empty answer 0');
    expect(html).toContain('410.3 <small>(2)</small>');
    expect(html).toContain('<th class="num" title="Turns sent with 3-4 earlier turns: TTFT p50 in ms (turns)">3-4</th>');
    expect(html).toContain('simulated');
  });
});
