/**
 * A provider that answers from a recording (--replay) instead of the network: no credentials, no
 * quota, no waiting. Answers under one key (repeats) are served in turn. Its timings are instants
 * of the replay itself and mean nothing; the run marks replayed records and leaves their timings
 * out (src/run/record-extension.ts).
 */
import { now } from '../../util/clock.js';
import type { AttemptResult, Provider, ProviderRequest } from '../types.js';
import { readRecording, requestKey, type Recording } from './recording.js';
import { invalidUsageError, recordedUsageProblem } from '../usage.js';

export function createReplayProvider(options: { dir: string; provider: string }): Provider & { preflight(): Promise<void> } {
  let recording: Recording | undefined;
  const served = new Map<string, number>();
  return {
    name: 'replay',
    async preflight() {
      recording = await readRecording(options.dir);
    },
    async send(request: ProviderRequest): Promise<AttemptResult> {
      recording ??= await readRecording(options.dir);
      const key = requestKey(options.provider, request);
      const answers = recording.answers.get(key) ?? [];
      const at = now();
      const turn = served.get(key) ?? 0;
      const answer = answers[turn % Math.max(answers.length, 1)];
      if (answer === undefined) {
        return {
          ok: false,
          dispatchedAt: at,
          doneAt: at,
          textEventTimes: [],
          output: '',
          error: {
            class: 'invalid',
            code: 'replay_missing',
            message: `${options.dir} has no recorded answer for this request (${request.model}); record it with --record`,
          },
        };
      }
      served.set(key, turn + 1);
      const result: AttemptResult = { ok: true, dispatchedAt: at, doneAt: at, textEventTimes: [], output: answer.output };
      if (answer.usage !== undefined) {
        // A recording is a file anyone can edit: its counts are checked like a server's (usage.ts).
        const requestText = JSON.stringify([request.system ?? '', request.messages]);
        const problem = recordedUsageProblem(answer.usage, answer.output, requestText);
        if (problem !== undefined) return { ...result, ok: false, output: '', error: invalidUsageError(`${options.dir}: recorded ${problem}`) };
        result.usage = answer.usage;
      }
      if (answer.finishReason !== undefined) result.finishReason = answer.finishReason;
      return result;
    },
    async close() {},
  };
}
