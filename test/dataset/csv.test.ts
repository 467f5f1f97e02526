import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/dataset/index.js';
import { datasetErrorOf, useFixtures } from './helpers.js';

const { fixture } = useFixtures();

describe('CSV datasets', () => {
  it('loads rows with id, system, vars and templated prompts; Chinese stays intact', async () => {
    const file = await fixture(
      'basic.csv',
      'id,system,topic,prompt\n' + 'r1,你是翻译助手。,秋天,写一首关于{{topic}}的诗\n' + 'r2,, weather ,Tell me about the {{ topic }}.\n',
    );
    const rows = await loadDataset(file);
    expect(rows).toEqual([
      {
        id: 'r1',
        source: { file, line: 2 },
        messages: [{ role: 'user', content: '写一首关于秋天的诗' }],
        system: '你是翻译助手。',
        vars: { topic: '秋天' },
      },
      {
        id: 'r2',
        source: { file, line: 3 },
        messages: [{ role: 'user', content: 'Tell me about the  weather .' }],
        vars: { topic: ' weather ' },
      },
    ]);
  });

  it('templates system too, and any column may be used as a variable', async () => {
    const file = await fixture('sys.csv', 'id,lang,system,prompt\nx,French,Answer in {{lang}}.,Hello from {{id}}\n');
    const [row] = await loadDataset(file);
    expect(row?.system).toBe('Answer in French.');
    expect(row?.messages[0]?.content).toBe('Hello from x');
  });

  it('strips a UTF-8 BOM (Excel exports) so the first column is still found', async () => {
    const file = await fixture('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('prompt,id\n你好,a\n')]));
    const rows = await loadDataset(file);
    expect(rows.map((r) => [r.id, r.messages[0]?.content])).toEqual([['a', '你好']]);
  });

  it('defaults ids to <basename>#<line> when there is no id column or the cell is blank', async () => {
    const file = await fixture('noid.csv', 'prompt\none\n\ntwo\n');
    expect((await loadDataset(file)).map((r) => r.id)).toEqual(['noid.csv#2', 'noid.csv#4']);
    const file2 = await fixture('blankid.csv', 'id,prompt\n  ,one\nb,two\n');
    expect((await loadDataset(file2)).map((r) => r.id)).toEqual([`${basename(file2)}#2`, 'b']);
  });

  it('rejects duplicate ids, naming both lines', async () => {
    const file = await fixture('dup.csv', 'id,prompt\na,one\nb,two\n a ,three\n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(`${file}:4:1: duplicate id "a": line 2 already uses it; ids must be unique within a file`);
  });

  it('keeps assert* columns apart from vars', async () => {
    const file = await fixture('assert.csv', 'prompt,assert_contains,assert-regex,lang\nhi,hello,^h,en\n');
    const [row] = await loadDataset(file);
    expect(row?.vars).toEqual({ lang: 'en' });
    expect(row?.assertColumns).toEqual({ assert_contains: 'hello', 'assert-regex': '^h' });
  });

  it('has no assertColumns when there are no assert columns', async () => {
    const file = await fixture('noassert.csv', 'prompt\nhi\n');
    const [row] = await loadDataset(file);
    expect(row).not.toHaveProperty('assertColumns');
    expect(row).not.toHaveProperty('system');
  });

  it('keeps the start line of a record whose quoted field spans several lines', async () => {
    const file = await fixture(
      'multiline.csv',
      'id,prompt\n' + // 1
        'a,"first line\n' + // 2
        'second line\n' + // 3
        '\n' + // 4 (inside the quotes)
        'fourth line"\n' + // 5
        '\n' + // 6 blank, skipped
        'b,"x\n' + // 7
        'y"\n' + // 8
        'c,plain\n', // 9
    );
    const rows = await loadDataset(file);
    expect(rows.map((r) => [r.id, r.source.line])).toEqual([
      ['a', 2],
      ['b', 7],
      ['c', 9],
    ]);
    expect(rows[0]?.messages[0]?.content).toBe('first line\nsecond line\n\nfourth line');
  });

  it('counts lines right with CRLF line endings, also inside quoted fields', async () => {
    const file = await fixture('crlf.csv', 'prompt,id\r\n"a\r\nb",x\r\n\r\n"c\r\n\r\nd",y\r\nbad\r\n');
    expect(await datasetErrorOf(loadDataset(file))).toMatch(new RegExp(`^${escape(file)}:8: row has 1 field, the header has 2`));
    const ok = await fixture('crlf-ok.csv', 'prompt,id\r\n"a\r\nb",x\r\n\r\n"c\r\n\r\nd",y\r\ne,z\r\n');
    expect((await loadDataset(ok)).map((r) => r.source.line)).toEqual([2, 5, 8]);
  });

  it('reports the line of a multi-line record with the wrong number of fields where it starts', async () => {
    const file = await fixture('multibad.csv', 'id,prompt\na,ok\nb,"x\ny",extra\n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(
      `${file}:3: row has 3 fields, the header has 2; a value containing a comma must be wrapped in double quotes`,
    );
  });

  it('reports too few fields', async () => {
    const file = await fixture('few.csv', 'id,system,prompt\na,s,p\n\nb,p\n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(`${file}:4: row has 2 fields, the header has 3; an empty value still needs its comma`);
  });

  it('explains a whitespace-only line', async () => {
    const file = await fixture('ws.csv', 'id,prompt\na,b\n   \n');
    expect(await datasetErrorOf(loadDataset(file))).toMatch(new RegExp(`^${escape(file)}:3: line holds only whitespace`));
  });

  it('reports an unclosed quote at the line where its record starts', async () => {
    const file = await fixture('unclosed.csv', 'id,prompt\na,b\n\nc,"never closed\nmore\nand more\n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(
      `${file}:4: a quoted field starting in this row is never closed; add the closing double quote (a quote inside a quoted field is written "")`,
    );
  });

  it('reports garbage after a closing quote', async () => {
    const file = await fixture('closing.csv', 'id,prompt\na,"quoted"x\n');
    expect(await datasetErrorOf(loadDataset(file))).toMatch(new RegExp(`^${escape(file)}:2: unexpected "x" after a closing quote in field 2; `));
  });

  it('reports a stray quote inside an unquoted field', async () => {
    const file = await fixture('stray.csv', 'id,prompt\na,ok\nb,say "hi"\n');
    expect(await datasetErrorOf(loadDataset(file))).toMatch(new RegExp(`^${escape(file)}:3: stray double quote in field 2; `));
  });

  it('requires a prompt column and names the columns found', async () => {
    const file = await fixture('noprompt.csv', 'id,question\na,b\n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(
      `${file}:1: the header has no "prompt" column; a CSV dataset needs one; columns found: "id", "question"`,
    );
    const cased = await fixture('cased.csv', 'id,Prompt\na,b\n');
    expect(await datasetErrorOf(loadDataset(cased))).toContain('names are case-sensitive');
    const semi = await fixture('semi.csv', 'id;prompt\na;b\n');
    expect(await datasetErrorOf(loadDataset(semi))).toContain('fields must be separated by commas');
  });

  it('trims header names', async () => {
    const file = await fixture('spaces.csv', ' id , prompt \na,b\n');
    expect((await loadDataset(file))[0]?.id).toBe('a');
  });

  it('rejects duplicate and empty column names', async () => {
    const dup = await fixture('dupcol.csv', 'prompt,x,x\na,b,c\n');
    expect(await datasetErrorOf(loadDataset(dup))).toBe(`${dup}:1:3: duplicate column "x" (columns 2 and 3); column names must be unique`);
    const empty = await fixture('emptycol.csv', 'prompt,,x\na,b,c\n');
    expect(await datasetErrorOf(loadDataset(empty))).toMatch(new RegExp(`^${escape(empty)}:1:2: column 2 has no name`));
  });

  it('reports an unknown template variable with line, column and the columns', async () => {
    const file = await fixture('unknown.csv', 'id,topic,prompt\na,x,ok {{topic}}\nb,y,about {{ subject }}\n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(
      `${file}:3:3: unknown template variable "subject" in column "prompt"; columns are: id, topic, prompt (write \\{{ for a literal "{{")`,
    );
    const sys = await fixture('unknown-sys.csv', 'system,prompt\n{{nope}},hi\n');
    expect(await datasetErrorOf(loadDataset(sys))).toMatch(new RegExp(`^${escape(sys)}:2:1: unknown template variable "nope" in column "system"`));
  });

  it('rejects an empty or whitespace-only prompt, also after templating', async () => {
    const file = await fixture('empty.csv', 'id,prompt\na,hi\nb,  \n');
    expect(await datasetErrorOf(loadDataset(file))).toBe(`${file}:3:2: empty prompt; every row needs a non-empty "prompt"`);
    const templated = await fixture('empty-tpl.csv', 'v,prompt\n ,{{v}}\n');
    expect(await datasetErrorOf(loadDataset(templated))).toBe(`${templated}:2:2: empty prompt; every row needs a non-empty "prompt"`);
  });

  it('rejects an empty file and a header without rows', async () => {
    const empty = await fixture('nothing.csv', '\n\n');
    expect(await datasetErrorOf(loadDataset(empty))).toBe(`${empty}: the file is empty; a CSV dataset needs a header row with a "prompt" column`);
    const headerOnly = await fixture('header-only.csv', '\nid,prompt\n');
    expect(await datasetErrorOf(loadDataset(headerOnly))).toBe(`${headerOnly}:2: the CSV has a header but no rows`);
  });

  it('rejects a file that is not UTF-8, on the offending line', async () => {
    // "你好" in GBK is C4 E3 BA C3: not valid UTF-8.
    const file = await fixture('gbk.csv', Buffer.concat([Buffer.from('id,prompt\na,ok\nb,'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3]), Buffer.from('\n')]));
    expect(await datasetErrorOf(loadDataset(file))).toMatch(new RegExp(`^${escape(file)}:3: the file is not valid UTF-8`));
    const utf16 = await fixture('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('prompt\nhi\n', 'utf16le')]));
    expect(await datasetErrorOf(loadDataset(utf16))).toBe(`${utf16}: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
