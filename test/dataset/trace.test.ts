import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../src/qianfan/spec/token-estimate.js';
import { countSimTokens } from '../../src/sim/tokenizer.js';
import { loadTrace } from '../../src/dataset/trace-load.js';
import { syntheticPrompt, TRACE_BLOCK_TOKENS } from '../../src/dataset/trace-prompt.js';
import { MAX_TRACE_INPUT_TOKENS } from '../../src/dataset/trace-types.js';
import { MAX_LINE_CHARS, readFileLines } from '../../src/dataset/line-stream.js';
import { traceRows } from '../../src/dataset/trace-rows.js';
import type { DatasetRow } from '../../src/dataset/types.js';
import { datasetErrorOf, useFixtures } from './helpers.js';

const { fixture } = useFixtures();
const lines = (...records: string[]): string => records.join('\n') + '\n';
const BOUNDS = { min: 2, max: 2048, maxOwner: 'ERNIE-Speed-8K' };

describe('Mooncake-style JSONL traces', () => {
  it('reads timestamp (ms), input_length, output_length and hash_ids; offsets count from the first arrival', async () => {
    const file = await fixture(
      'mooncake.jsonl',
      lines(
        '{"timestamp": 1000, "input_length": 600, "output_length": 50, "hash_ids": [0, 1]}',
        '',
        '{"timestamp": 1000, "input_length": 30, "output_length": 5}',
        '{"timestamp": 4052, "input_length": 7, "output_length": 3000, "hash_ids": [0, 2]}',
      ),
    );
    const trace = await loadTrace(file);
    expect(trace.format).toBe('mooncake');
    expect(trace.arrivals.map((arrival) => [arrival.offsetMs, arrival.source.line])).toEqual([
      [0, 1],
      [0, 3],
      [3052, 4],
    ]);
    expect(trace.arrivals[0]?.content).toEqual({ kind: 'lengths', inputTokens: 600, outputTokens: 50, hashIds: [0, 1] });
  });

  it('names FILE:LINE for a malformed line, a time that goes back and a bad length', async () => {
    const bad = async (name: string, second: string): Promise<string> => {
      const file = await fixture(name, lines('{"timestamp": 100, "input_length": 10, "output_length": 5}', second));
      return datasetErrorOf(loadTrace(file));
    };
    expect(await bad('json.jsonl', '{"timestamp": 200, "input_length": 10,')).toMatch(/json\.jsonl:2(:\d+)?: invalid JSON/);
    expect(await bad('back.jsonl', '{"timestamp": 50, "input_length": 10}')).toMatch(/back\.jsonl:2: the time goes back \(50 ms after 100 ms on line 1\)/);
    expect(await bad('len.jsonl', '{"timestamp": 200, "input_length": 0}')).toMatch(
      /len\.jsonl:2: "input_length" must be a whole number of tokens >= 1; got number 0/,
    );
    expect(await bad('key.jsonl', '{"timestamp": 200, "input_len": 10}')).toMatch(/key\.jsonl:2: unknown key "input_len"/);
    expect(await bad('ids.jsonl', '{"timestamp": 200, "input_length": 10, "hash_ids": ["a"]}')).toMatch(/ids\.jsonl:2: "hash_ids" must be an array/);
    expect(await bad('notime.jsonl', '{"input_length": 10}')).toMatch(/notime\.jsonl:2: has no "timestamp"/);
    expect(await bad('mixed.jsonl', '{"timestamp": 200}')).toMatch(/mixed\.jsonl:2: has only a time while line 1 does not/);
  });

  it('--trace-limit keeps the first N arrivals and stops reading (a broken line after them is never read)', async () => {
    const file = await fixture('limit.jsonl', lines('{"timestamp": 0, "input_length": 1}', '{"timestamp": 10, "input_length": 1}', 'not json'));
    const trace = await loadTrace(file, { limit: 2 });
    expect(trace.arrivals).toHaveLength(2);
    expect(await datasetErrorOf(loadTrace(file))).toMatch(/limit\.jsonl:3/);
  });
});

describe('our JSONL traces', () => {
  it('take prompts or messages with offset_ms or an ISO timestamp; a leading pause of offset_ms is kept', async () => {
    const file = await fixture(
      'ours.jsonl',
      lines(
        '{"offset_ms": 500, "id": "a", "prompt": "Hello", "output_length": 40}',
        '{"offset_ms": 900, "messages": [{"role": "user", "content": "Hi"}], "system": "be brief"}',
        '{"offset_ms": 900, "input_length": 12}',
      ),
    );
    const trace = await loadTrace(file);
    expect(trace.format).toBe('jsonl');
    expect(trace.arrivals.map((arrival) => arrival.offsetMs)).toEqual([500, 900, 900]);
    const first = trace.arrivals[0]?.content;
    expect(first?.kind === 'row' && first.row.id).toBe('a');
    expect(first?.kind === 'row' && first.outputTokens).toBe(40);

    const iso = await fixture('iso.jsonl', lines('{"timestamp": "2026-01-31T08:00:00Z"}', '{"timestamp": "2026-01-31T08:00:01.250Z"}'));
    expect((await loadTrace(iso)).arrivals.map((arrival) => arrival.offsetMs)).toEqual([0, 1250]);
  });

  it('refuses a prompt with token lengths, two time keys, mixed time keys and a loose date', async () => {
    const one = async (name: string, ...records: string[]): Promise<string> => datasetErrorOf(loadTrace(await fixture(name, lines(...records))));
    expect(await one('both.jsonl', '{"offset_ms": 0, "prompt": "x", "input_length": 3}')).toMatch(/both\.jsonl:1: has both "input_length" and a "prompt"/);
    expect(await one('two.jsonl', '{"offset_ms": 0, "timestamp": 0, "prompt": "x"}')).toMatch(/two\.jsonl:1: has both "timestamp" and "offset_ms"/);
    expect(await one('keys.jsonl', '{"offset_ms": 0, "prompt": "x"}', '{"timestamp": 5, "prompt": "y"}')).toMatch(
      /keys\.jsonl:2: uses "timestamp" where line 1 uses "offset_ms"/,
    );
    expect(await one('date.jsonl', '{"timestamp": "Jan 5"}')).toMatch(/date\.jsonl:1: "timestamp" must be milliseconds/);
    expect(await one('msg.jsonl', '{"offset_ms": 0, "messages": []}')).toMatch(/msg\.jsonl:1: "messages" must be a non-empty array/);
    expect(await one('dup.jsonl', '{"offset_ms": 0, "id": "x", "prompt": "a"}', '{"offset_ms": 1, "id": "x", "prompt": "b"}')).toMatch(
      /dup\.jsonl:2: duplicate id "x"/,
    );
  });
});

describe('BurstGPT-style CSV traces', () => {
  it('reads Timestamp (s), Request tokens and Response tokens, skipping failed requests (0 tokens)', async () => {
    const file = await fixture(
      'burst.csv',
      lines(
        'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
        '5,ChatGPT,472,18,490,Conversation log',
        '45,GPT-4,1087,0,1087,Conversation log',
        '45.5,"GPT-4",417,276,693,API log',
      ),
    );
    const trace = await loadTrace(file);
    expect(trace.format).toBe('burstgpt');
    expect(trace.arrivals.map((arrival) => [arrival.offsetMs, arrival.source.line, arrival.content])).toEqual([
      [0, 2, { kind: 'lengths', inputTokens: 472, outputTokens: 18 }],
      [40_500, 4, { kind: 'lengths', inputTokens: 417, outputTokens: 276 }],
    ]);
    expect(trace.skipped?.count).toBe(1);
  });

  it('names FILE:LINE:COLUMN for a bad cell and the missing columns of the header', async () => {
    const header = 'Timestamp,Model,Request tokens,Response tokens';
    const bad = await fixture('bad.csv', lines(header, '5,ChatGPT,472,18', 'soon,ChatGPT,1,1'));
    expect(await datasetErrorOf(loadTrace(bad))).toMatch(/bad\.csv:3:1: "Timestamp" must be seconds >= 0; got "soon"/);
    const short = await fixture('short.csv', lines(header, '5,ChatGPT,472'));
    expect(await datasetErrorOf(loadTrace(short))).toMatch(/short\.csv:2: expected 4 columns/);
    const missing = await fixture('missing.csv', lines('Timestamp,Model,Prompt tokens', '5,x,1'));
    expect(await datasetErrorOf(loadTrace(missing))).toMatch(/missing\.csv:1: .*missing "request tokens", "response tokens"/);
    const other = await fixture('trace.txt', 'x');
    expect(await datasetErrorOf(loadTrace(other))).toMatch(/trace\.txt: the trace file has the unsupported extension ".txt"/);
  });
});

describe('trace rows', () => {
  it('a synthetic prompt has the asked number of tokens by the offline estimate and by the simulator', () => {
    for (const tokens of [1, 7, 513, 2000]) {
      const prompt = syntheticPrompt(tokens, 3, [4, 5]);
      expect(estimateTokens(prompt)).toBe(tokens);
      expect(countSimTokens(prompt)).toBe(tokens);
    }
  });

  it('arrivals sharing hash ids share that prefix; others do not', () => {
    const a = syntheticPrompt(TRACE_BLOCK_TOKENS + 10, 1, [0, 1]).split(' ');
    const b = syntheticPrompt(TRACE_BLOCK_TOKENS + 10, 2, [0, 2]).split(' ');
    expect(a.slice(0, TRACE_BLOCK_TOKENS)).toEqual(b.slice(0, TRACE_BLOCK_TOKENS));
    expect(a.slice(TRACE_BLOCK_TOKENS).join(' ')).not.toBe(b.slice(TRACE_BLOCK_TOKENS).join(' '));
    expect(syntheticPrompt(50, 1)).not.toBe(syntheticPrompt(50, 2));
  });

  it('--trace-speed divides the offsets; output lengths are clipped to the cap and raised to the minimum', async () => {
    const file = await fixture(
      'speed.jsonl',
      lines('{"timestamp": 0, "input_length": 5, "output_length": 1}', '{"timestamp": 3000, "input_length": 5, "output_length": 5000}'),
    );
    const made = traceRows(await loadTrace(file), { speed: 2, datasetRows: [], output: BOUNDS });
    expect(made.rows.map((row) => row.offsetMs)).toEqual([0, 1500]);
    expect(made.rows.map((row) => row.row.maxOutputTokens)).toEqual([2, 2048]);
    expect([made.clipped, made.raised]).toEqual([1, 1]);
    expect(made.rows[1]?.row.id).toBe('speed.jsonl#2');
    const slow = traceRows(await loadTrace(file), { speed: 0.5, datasetRows: [], output: { min: 1 } });
    expect(slow.rows.map((row) => [row.offsetMs, row.row.maxOutputTokens])).toEqual([
      [0, 1],
      [6000, 5000],
    ]);
  });

  it('a trace of times takes -d rows in order, cycling; other traces refuse -d, and a time trace needs it', async () => {
    const dataset = (id: string): DatasetRow => ({ id, source: { file: 'd.csv', line: 2 }, messages: [{ role: 'user', content: id }], vars: {} });
    const times = await loadTrace(await fixture('times.jsonl', lines('{"offset_ms": 0}', '{"offset_ms": 10}', '{"offset_ms": 20}')));
    const made = traceRows(times, { speed: 1, datasetRows: [dataset('a'), dataset('b')], output: BOUNDS });
    expect(made.rows.map((row) => [row.row.id, row.repeat])).toEqual([
      ['a', 0],
      ['b', 0],
      ['a', 1],
    ]);
    expect(made.fromDatasets).toBe(true);
    expect(() => traceRows(times, { speed: 1, datasetRows: [], output: BOUNDS })).toThrow(
      /times\.jsonl: the trace has times only; give the prompts with -d FILE/,
    );
    const lengths = await loadTrace(await fixture('own.jsonl', lines('{"timestamp": 0, "input_length": 3}')));
    expect(() => traceRows(lengths, { speed: 1, datasetRows: [dataset('a')], output: BOUNDS })).toThrow(
      /own\.jsonl: the trace brings its own prompts or token lengths; drop -d/,
    );
  });
});

describe('trace plans', () => {
  it('send each arrival to every cell at its offset, arrivals in time order', async () => {
    const { buildPlan } = await import('../../src/plan/plan.js');
    const file = await fixture('plan.jsonl', lines('{"timestamp": 0, "input_length": 5}', '{"timestamp": 40, "input_length": 6}'));
    const made = traceRows(await loadTrace(file), { speed: 1, datasetRows: [], output: BOUNDS });
    const plan = buildPlan({
      targets: [
        { model: 'A', endpoint: 'a' },
        { model: 'B', endpoint: 'b' },
      ],
      grid: {},
      rows: made.rows.map((row) => row.row),
      repeat: 1,
      seed: 1,
      api: 'chat',
      stream: true,
      trace: { arrivals: made.rows },
    });
    const requests = [...plan.requests()];
    expect(plan.size).toBe(4);
    expect(requests.map((request) => [request.seq, request.row.id, request.dueOffsetMs])).toEqual([
      [0, 'plan.jsonl#1', 0],
      [1, 'plan.jsonl#1', 0],
      [2, 'plan.jsonl#2', 40],
      [3, 'plan.jsonl#2', 40],
    ]);
    expect(new Set(requests.slice(0, 2).map((request) => request.cell.model))).toEqual(new Set(['A', 'B']));
    // The synthetic prompt reads the same each time.
    expect(requests[0]?.row.messages[0]?.content).toBe(requests[1]?.row.messages[0]?.content);
    expect(countSimTokens(requests[2]?.row.messages[0]?.content ?? '')).toBe(6);
  });
});

describe('trace input bounds', () => {
  it('builds a synthetic prompt of the largest allowed length (no spread of a long array)', () => {
    const prompt = syntheticPrompt(MAX_TRACE_INPUT_TOKENS, 1, [7]);
    expect(prompt.split(' ')).toHaveLength(MAX_TRACE_INPUT_TOKENS);
  });

  it('refuses an input length over the maximum and a time past 1e13 ms, naming FILE:LINE', async () => {
    const first = '{"timestamp": 100, "input_length": 10}';
    const bad = async (name: string, second: string): Promise<string> => datasetErrorOf(loadTrace(await fixture(name, lines(first, second))));
    expect(await bad('huge.jsonl', '{"timestamp": 200, "input_length": 1000000000}')).toMatch(
      new RegExp(`huge\\.jsonl:2: "input_length" is 1000000000 tokens; at most ${MAX_TRACE_INPUT_TOKENS}`),
    );
    expect(await bad('far.jsonl', '{"timestamp": 1e308, "input_length": 10}')).toMatch(/far\.jsonl:2: "timestamp" is 1e\+308 ms; at most 10000000000000 ms/);
    const offsets = await fixture('offset.jsonl', lines('{"offset_ms": 0, "input_length": 10}', '{"offset_ms": 1e14, "input_length": 10}'));
    expect(await datasetErrorOf(loadTrace(offsets))).toMatch(/offset\.jsonl:2: "offset_ms" is 100000000000000 ms; at most/);
  });

  it('BurstGPT: refuses too many request tokens, a time too far, and names the line of an unclosed quote', async () => {
    const header = 'Timestamp,Model,Request tokens,Response tokens';
    const tokens = await fixture('tokens.csv', lines(header, '5,ChatGPT,472,18', '6,ChatGPT,2000000,18'));
    expect(await datasetErrorOf(loadTrace(tokens))).toMatch(/tokens\.csv:3:3: "Request tokens" is 2000000; at most 1000000/);
    const far = await fixture('far.csv', lines(header, '5,ChatGPT,472,18', '100000000000,ChatGPT,1,1'));
    expect(await datasetErrorOf(loadTrace(far))).toMatch(/far\.csv:3:1: "Timestamp" is 100000000000 s; at most 10000000000 s/);
    const quote = await fixture('quote.csv', lines(header, '5,ChatGPT,472,18', '6,"GPT-4,1,1'));
    const message = await datasetErrorOf(loadTrace(quote));
    expect(message).toMatch(/quote\.csv:3: invalid CSV: Quote Not Closed/);
    expect(message).not.toContain('line 1');
  });

  it('refuses a line longer than the bound as soon as it is seen, naming FILE:LINE', async () => {
    const file = await fixture('long.jsonl', `{"timestamp": 0, "input_length": 1}\n{"timestamp": 1, "prompt": "${'x'.repeat(MAX_LINE_CHARS)}"}\n`);
    expect(await datasetErrorOf(loadTrace(file))).toBe(`${file}:2: the line is longer than ${MAX_LINE_CHARS} characters; a line holds one record`);
  });
});

describe('readFileLines', () => {
  it('numbers every physical line, drops the \\r of \\r\\n and the BOM, and keeps a last line without newline', async () => {
    const file = await fixture('lines.txt', '\uFEFFa\r\n\nb\nc');
    const seen: Array<[number, string]> = [];
    for await (const { text, line } of readFileLines(file)) seen.push([line, text]);
    expect(seen).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'b'],
      [4, 'c'],
    ]);
  });

  it('refuses a line over the bound, a line with no newline at the end included', async () => {
    const read = async (content: string): Promise<string> => {
      const file = await fixture('bound.txt', content);
      try {
        for await (const _ of readFileLines(file, 5)) void _;
      } catch (error) {
        return error instanceof Error ? error.message.replace(file, 'FILE') : String(error);
      }
      return 'no error';
    };
    expect(await read('12345\r\n12345\n')).toBe('no error');
    expect(await read('12345\n123456\n')).toBe('FILE:2: the line is longer than 5 characters; a line holds one record');
    expect(await read('1\n2\n123456')).toBe('FILE:3: the line is longer than 5 characters; a line holds one record');
  });
});
