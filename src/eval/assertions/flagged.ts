/**
 * `flagged`: the server set v1's `need_clear_history` (it judged the input unsafe and advises
 * clearing the session, qianfan-api.md §9). Written `not-flagged`, so a flagged answer is not a
 * pass by accident. An answer without the field (not Qianfan v1) cannot be judged, so it fails.
 */
import { noValue } from './flag-value.js';
import { assertionType } from './types.js';

export const flagged = assertionType({
  name: 'flagged',
  expects: 'no value',
  compile: (raw) => noValue(raw, 'flagged'),
  describe: () => '(need_clear_history)',
  check: (_value, { needClearHistory, banRound }) => {
    if (needClearHistory === undefined) return { unknown: 'the answer has no need_clear_history field (only Qianfan v1 answers carry it)' };
    if (!needClearHistory) return { pass: false, reason: 'need_clear_history is false' };
    const round = banRound === undefined ? '' : banRound === -1 ? ' (ban_round -1: the current turn)' : ` (ban_round ${banRound})`;
    return { pass: true, reason: `need_clear_history is true: the server judged the input unsafe${round}` };
  },
});
