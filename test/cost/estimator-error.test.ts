/**
 * How far the offline token estimator (0.625 per CJK character + 1 per other word, the SDKs' TPM
 * formula) is from the simulator's tokenizer on Chinese and on English text and on the shipped
 * datasets. Prints the figures (the README quotes them):
 *
 *   npx vitest run test/cost/estimator-error.test.ts
 *
 * The simulator's tokenizer is not ERNIE's: these figures say how far the offline estimate is from
 * what `--sim` runs and the simulator's tokenizer endpoint count, not from Qianfan's own counts.
 */
import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../src/qianfan/spec/token-estimate.js';
import { loadDataset } from '../../src/dataset/load.js';
import { promptPieces } from '../../src/cost/prompt-pieces.js';
import { countSimTokens } from '../../src/sim/index.js';

const CHINESE_SAMPLE = [
  '春节前后，许多在外工作的年轻人都会踏上回家的旅程。火车站和机场里人来人往，大家拖着行李箱，脸上带着疲惫却又期待的神情。',
  '对很多家庭来说，团圆饭是一年中最重要的一顿饭：长辈们提前几天就开始准备腊肉、饺子和各种点心。',
  '近年来，越来越多的人选择在网上购买年货，快递公司也因此在节前迎来了业务高峰。',
  '有人说，年味变淡了；也有人认为，只要家人在一起，无论在哪里过年都一样温暖。',
  '请根据以上内容，用三句话概括现代人过春节的变化，并说明你自己的看法。',
];

const ENGLISH_SAMPLE = [
  'Before the spring holiday, many young people who work far from home begin the long journey back.',
  'Railway stations and airports are crowded with travellers pulling suitcases, tired but looking forward to seeing their families.',
  'For many households the reunion dinner is the most important meal of the year; grandparents start preparing dumplings, cured meat and sweets days in ' +
    'advance.',
  'In recent years, more and more people buy their holiday goods online, and delivery companies see their busiest weeks of the year.',
  'Summarise, in three sentences, how the way people celebrate has changed, and give your own opinion.',
];

interface Measured {
  name: string;
  pieces: number;
  simulator: number;
  estimate: number;
  /** (estimate - simulator) / simulator, percent. */
  errorPct: number;
}

function measure(name: string, pieces: readonly string[]): Measured {
  const simulator = pieces.reduce((sum, text) => sum + countSimTokens(text), 0);
  const estimate = pieces.reduce((sum, text) => sum + estimateTokens(text), 0);
  return { name, pieces: pieces.length, simulator, estimate, errorPct: ((estimate - simulator) / simulator) * 100 };
}

async function datasetPieces(file: string): Promise<string[]> {
  return (await loadDataset(file)).flatMap((row) => promptPieces(row, 'chat'));
}

describe('the offline token estimator against the simulator tokenizer', () => {
  it('measures its error on Chinese, English and the shipped datasets', async () => {
    const results = [
      measure('Chinese sample', CHINESE_SAMPLE),
      measure('English sample', ENGLISH_SAMPLE),
      measure('datasets/demo.csv', await datasetPieces('datasets/demo.csv')),
      measure('datasets/multiturn.jsonl', await datasetPieces('datasets/multiturn.jsonl')),
    ];
    const lines = [
      'text                       pieces  simulator  estimate   error',
      ...results.map(
        (r) =>
          `${r.name.padEnd(25)}  ${String(r.pieces).padStart(6)}  ${String(r.simulator).padStart(9)}  ${String(r.estimate).padStart(8)} ` +
          ` ${`${r.errorPct >= 0 ? '+' : ''}${r.errorPct.toFixed(1)}%`.padStart(6)}`,
      ),
    ];
    console.log(lines.join('\n'));
    // Both languages come out low: 0.625 per ideograph against one per ideograph and punctuation
    // mark; one per English word against one per 4 letters plus one per punctuation mark.
    for (const result of results) {
      expect(result.errorPct).toBeLessThan(0);
      expect(result.errorPct).toBeGreaterThan(-60);
    }
  });
});
