import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/index.js';
import { datasetErrorOf, useFixtures } from './helpers.js';

const { fixture } = useFixtures();

const lines = (...records: string[]): string => records.join('\n') + '\n';

/** Loads a one-off JSONL file whose line `n` is `record` (earlier lines are valid records). */
async function errorOnLine(name: string, record: string, before = 1): Promise<{ file: string; message: string }> {
  const valid = Array.from({ length: before }, (_, i) => JSON.stringify({ id: `ok${i}`, prompt: 'fine' }));
  const file = await fixture(name, lines(...valid, record));
  return { file, message: await datasetErrorOf(loadDataset(file)) };
}

describe('JSONL datasets', () => {
  it('loads prompts and conversations; numbers become string ids; Chinese stays intact', async () => {
    const file = await fixture(
      'basic.jsonl',
      lines(
        '{"id": 7, "prompt": "你好，世界", "system": "简洁回答", "metadata": {"source": "x"}}',
        '',
        '   ',
        '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "再见"}]}',
      ),
    );
    expect(await loadDataset(file)).toEqual([
      {
        id: '7',
        source: { file, line: 1 },
        messages: [{ role: 'user', content: '你好，世界' }],
        system: '简洁回答',
        vars: {},
      },
      {
        id: 'basic.jsonl#4',
        source: { file, line: 4 },
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: '再见' },
        ],
        vars: {},
      },
    ]);
  });

  it('accepts .ndjson, CRLF line endings and a BOM', async () => {
    const file = await fixture('crlf.ndjson', '\uFEFF{"prompt": "a"}\r\n\r\n{"prompt": "b"}\r\n');
    expect((await loadDataset(file)).map((r) => [r.id, r.source.line, r.messages[0]?.content])).toEqual([
      ['crlf.ndjson#1', 1, 'a'],
      ['crlf.ndjson#3', 3, 'b'],
    ]);
  });

  it('turns a leading system message into system (OpenAI style)', async () => {
    const file = await fixture('openai.jsonl', lines('{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}'));
    const [row] = await loadDataset(file);
    expect(row?.system).toBe('Be brief.');
    expect(row?.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('templates prompt, system and every message from vars (converted to strings)', async () => {
    const file = await fixture(
      'vars.jsonl',
      lines(
        JSON.stringify({
          vars: { city: '成都', days: 3, budget: true },
          system: 'Guide for {{city}}',
          messages: [
            { role: 'user', content: '{{ city }} {{days}} days' },
            { role: 'assistant', content: 'budget={{budget}}' },
            { role: 'user', content: 'literal \\{{city}}' },
          ],
        }),
        JSON.stringify({ vars: { n: 1.5 }, prompt: 'n={{n}}' }),
      ),
    );
    const [a, b] = await loadDataset(file);
    expect(a?.system).toBe('Guide for 成都');
    expect(a?.messages.map((m) => m.content)).toEqual(['成都 3 days', 'budget=true', 'literal {{city}}']);
    expect(a?.vars).toEqual({ city: '成都', days: '3', budget: 'true' });
    expect(b?.messages[0]?.content).toBe('n=1.5');
  });

  it('keeps assert as asserts', async () => {
    const file = await fixture('assert.jsonl', lines('{"prompt": "2+2?", "assert": [{"type": "contains", "value": "4"}]}', '{"prompt": "x"}'));
    const [a, b] = await loadDataset(file);
    expect(a?.asserts).toEqual([{ type: 'contains', value: '4' }]);
    expect(b).not.toHaveProperty('asserts');
  });

  it('defaults ids and rejects duplicates naming both lines', async () => {
    const file = await fixture('dup.jsonl', lines('{"id": "a", "prompt": "x"}', '', '{"id": "b", "prompt": "y"}', '{"id": "a", "prompt": "z"}'));
    expect(await datasetErrorOf(loadDataset(file))).toBe(`${file}:4: duplicate id "a": line 1 already uses it; ids must be unique within a file`);
    const numeric = await fixture('dupnum.jsonl', lines('{"id": 1, "prompt": "x"}', '{"id": "1", "prompt": "y"}'));
    expect(await datasetErrorOf(loadDataset(numeric))).toMatch(/:2: duplicate id "1": line 1 /);
  });

  describe('errors carry FILE:LINE and say what was expected', () => {
    it('invalid JSON, with the parser reason and column', async () => {
      const { file, message } = await errorOnLine('bad.jsonl', '{"prompt": "中文" x}', 2);
      expect(message).toBe(`${file}:3:17: invalid JSON: Expected ',' or '}' after property value; each line must be one complete JSON object`);
    });

    it('invalid JSON without a position still names the line and reason, without echoing the input', async () => {
      const { file, message } = await errorOnLine('bad2.jsonl', '{"prompt": }');
      expect(message).toMatch(new RegExp(`^${escape(file)}:2(:\\d+)?: invalid JSON: Unexpected token`));
      expect(message).not.toContain('is not valid JSON');
    });

    it('pretty-printed JSON gets a hint', async () => {
      const file = await fixture('pretty.jsonl', '{\n  "prompt": "x"\n}\n');
      expect(await datasetErrorOf(loadDataset(file))).toBe(
        `${file}:1:2: invalid JSON: Expected property name or '}' at the end of the line (a record must fit on one line; pretty-printed JSON is not ` +
          `JSONL); each line must be one complete JSON object`,
      );
      const cut = await errorOnLine('cut.jsonl', '{"prompt": "x"');
      expect(cut.message).toContain(":2:15: invalid JSON: Expected ',' or '}' after property value at the end of the line (");
    });

    it('not an object', async () => {
      const { file, message } = await errorOnLine('array.jsonl', '[{"prompt": "x"}]');
      expect(message).toBe(
        `${file}:2: expected a JSON object such as {"prompt": "…"}; got an array (a .jsonl file holds one object per line, not a JSON array)`,
      );
      const str = await errorOnLine('string.jsonl', '"hello"');
      expect(str.message).toBe(`${str.file}:2: expected a JSON object such as {"prompt": "…"}; got the string "hello"`);
    });

    it('unknown key, listing the allowed keys', async () => {
      const { file, message } = await errorOnLine('key.jsonl', '{"prompt": "x", "question": "y"}');
      expect(message).toBe(
        `${file}:2: unknown key "question"; allowed keys are "id", "prompt", "messages", "system", "vars", "assert", "threshold", "metadata"`,
      );
    });

    it('both or neither of prompt and messages', async () => {
      const both = await errorOnLine('both.jsonl', '{"prompt": "x", "messages": [{"role": "user", "content": "y"}]}');
      expect(both.message).toBe(`${both.file}:2: has both "prompt" and "messages"; give exactly one`);
      const neither = await errorOnLine('neither.jsonl', '{"id": "x"}', 3);
      expect(neither.message).toBe(`${neither.file}:4: has neither "prompt" nor "messages"; give exactly one`);
    });

    it('bad prompt, id, system, vars, assert, metadata', async () => {
      const cases: [string, string][] = [
        ['{"prompt": 5}', '"prompt" must be a non-empty string; got number 5'],
        ['{"prompt": "  "}', '"prompt" must be a non-empty string; it is blank'],
        ['{"id": "", "prompt": "x"}', '"id" must be a non-empty string or a number; got the string ""'],
        ['{"id": null, "prompt": "x"}', '"id" must be a non-empty string or a number; got null'],
        ['{"system": 1, "prompt": "x"}', '"system" must be a string; got number 1'],
        ['{"vars": [], "prompt": "x"}', '"vars" must be an object of strings, numbers or booleans; got an array'],
        ['{"vars": {"a": {"b": 1}}, "prompt": "x"}', '"vars.a" must be a string, number or boolean; got an object'],
        ['{"assert": {"type": "x"}, "prompt": "x"}', '"assert" must be an array; got an object'],
        ['{"metadata": "m", "prompt": "x"}', '"metadata" must be an object; got the string "m"'],
      ];
      for (const [i, [record, expected]] of cases.entries()) {
        const { file, message } = await errorOnLine(`field${i}.jsonl`, record);
        expect(message).toBe(`${file}:2: ${expected}`);
      }
    });

    it('messages: shape, roles, contents, system placement, last speaker', async () => {
      const u = '{"role": "user", "content": "q"}';
      const a = '{"role": "assistant", "content": "r"}';
      const s = '{"role": "system", "content": "s"}';
      const cases: [string, string][] = [
        ['{"messages": []}', '"messages" must be a non-empty array of {"role", "content"} objects; got an empty array'],
        ['{"messages": "hi"}', '"messages" must be a non-empty array of {"role", "content"} objects; got the string "hi"'],
        [`{"messages": [${u}, "x"]}`, 'messages[1] must be an object {"role": …, "content": …}; got the string "x"'],
        [`{"messages": [{"role": "user", "content": "q", "name": "n"}]}`, 'messages[0] has unknown key "name"; a message has only "role" and "content"'],
        [`{"messages": [${u}, ${a}, {"role": "bot", "content": "x"}]}`, 'messages[2].role must be "user", "assistant" or "system"; got the string "bot"'],
        [`{"messages": [{"content": "x"}]}`, 'messages[0].role must be "user", "assistant" or "system"; got nothing'],
        [`{"messages": [${u}, ${a}, {"role": "user", "content": 3}]}`, 'messages[2].content must be a non-empty string; got number 3'],
        [`{"messages": [${u}, ${a}, {"role": "user", "content": ""}]}`, 'messages[2].content must be a non-empty string; it is blank'],
        [`{"messages": [${u}, ${s}, ${u}]}`, 'messages[1]: a "system" message is only allowed as the first message'],
        [`{"system": "t", "messages": [${s}, ${u}]}`, 'messages[0]: a "system" message cannot be combined with the top-level "system" key; keep one of them'],
        [`{"messages": [${s}]}`, '"messages" has only a "system" message; add at least one "user" message'],
        [`{"messages": [${u}, ${a}]}`, 'messages[1]: the conversation must end with a "user" message for the model to answer; got "assistant"'],
      ];
      for (const [i, [record, expected]] of cases.entries()) {
        const { file, message } = await errorOnLine(`msg${i}.jsonl`, record, 2);
        expect(message).toBe(`${file}:3: ${expected}`);
      }
    });

    it('unknown template variables, naming the variable and where it is used', async () => {
      const a = await errorOnLine('tpl1.jsonl', '{"prompt": "about {{topic}}"}');
      expect(a.message).toBe(`${a.file}:2: unknown template variable "topic" in "prompt"; the record has no "vars" (write \\{{ for a literal "{{")`);
      const b = await errorOnLine(
        'tpl2.jsonl',
        '{"vars": {"x": "1", "y": 2}, "messages": [{"role": "user", "content": "{{x}}"}, {"role": "assistant", "content": "ok"}, {"role": "user", ' +
          '"content": "{{ z }}"}]}',
      );
      expect(b.message).toBe(`${b.file}:2: unknown template variable "z" in messages[2].content; "vars" has "x", "y" (write \\{{ for a literal "{{")`);
      const c = await errorOnLine('tpl3.jsonl', '{"system": "{{s}}", "prompt": "x"}');
      expect(c.message).toMatch(/:2: unknown template variable "s" in "system"/);
    });

    it('a non-UTF-8 line', async () => {
      const file = await fixture(
        'gbk.jsonl',
        Buffer.concat([Buffer.from('{"prompt": "ok"}\n{"prompt": "'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), Buffer.from('"}\n')]),
      );
      expect(await datasetErrorOf(loadDataset(file))).toMatch(new RegExp(`^${escape(file)}:2: the file is not valid UTF-8`));
    });

    it('a file with no records', async () => {
      const file = await fixture('blank.jsonl', '\n  \n\n');
      expect(await datasetErrorOf(loadDataset(file))).toBe(`${file}: the file has no records (it is empty or blank)`);
    });
  });

  it('streams a large file', async () => {
    const count = 20_000;
    const body = Array.from({ length: count }, (_, i) => JSON.stringify({ id: i, prompt: `问题 ${i}` })).join('\n');
    const file = await fixture('big.jsonl', body);
    const rows = await loadDataset(file);
    expect(rows).toHaveLength(count);
    expect(rows.at(-1)).toMatchObject({ id: String(count - 1), source: { line: count }, messages: [{ content: `问题 ${count - 1}` }] });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
