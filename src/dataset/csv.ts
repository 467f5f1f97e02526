/**
 * CSV datasets.
 *
 * The first non-blank record is the header. Columns, by name (surrounding whitespace in a
 * header cell is ignored, names are case-sensitive):
 *   prompt     required; templated; the row's single user message
 *   system     optional; templated; omitted from the row when blank
 *   id         optional; trimmed; `<basename>#<line>` when the column is absent or the cell blank
 *   assert*    any name starting with `assert`: reserved, kept verbatim in `assertColumns`
 *   (other)    a template variable, kept verbatim in `vars`
 * `{{name}}` in prompt/system may name any column of the row (its raw, untemplated value).
 *
 * Locations: LINE is the physical line on which a record starts (a quoted field may span
 * several lines); COLUMN is the 1-based field number, counted as a spreadsheet counts columns.
 * Blank lines are skipped; a line holding only spaces is a record like any other.
 *
 * Why not csv-parse's own `info.lines`: it is the line on which a record *ends*, and it counts
 * a CRLF inside a quoted field as two lines. So each record's start line is derived instead:
 * previous record's end + 1 + blank lines skipped in between (`info.empty_lines`), and its end
 * is its start plus the line breaks inside its fields (which csv-parse keeps verbatim).
 */
import { CsvError, parse, type InfoRecord } from 'csv-parse/sync';
import { datasetError } from '../errors.js';
import { IdRegistry, at, defaultId, quoteList, readUtf8File, stripBom } from './common.js';
import { LITERAL_BRACES_HINT, renderTemplate } from './template.js';
import type { DatasetRow } from './types.js';

interface LocatedRecord {
  fields: string[];
  line: number;
}

/** Reads and parses a CSV dataset file. */
export async function loadCsv(file: string): Promise<DatasetRow[]> {
  return parseCsv(await readUtf8File(file), file);
}

/** Parses CSV text (a leading BOM is ignored); `file` is used in ids and error locations. */
export function parseCsv(text: string, file: string): DatasetRow[] {
  const records = splitRecords(stripBom(text), file);
  const header = records[0];
  if (header === undefined) {
    throw datasetError(file, 'the file is empty; a CSV dataset needs a header row with a "prompt" column');
  }
  const columns = readHeader(header, file);
  if (records.length === 1) {
    throw datasetError(at(file, header.line), 'the CSV has a header but no rows');
  }
  const ids = new IdRegistry(file);
  return records.slice(1).map((record) => toRow(record, columns, file, ids));
}

// ---------------------------------------------------------------- records and line numbers

function splitRecords(text: string, file: string): LocatedRecord[] {
  const records: LocatedRecord[] = [];
  let lastEnd = 0; // physical line on which the previous record ended
  let blanksSeen = 0; // info.empty_lines as of the previous record
  const startOf = (emptyLines: number): number => lastEnd + 1 + (emptyLines - blanksSeen);
  try {
    parse(text, {
      delimiter: ',',
      quote: '"',
      escape: '"',
      skip_empty_lines: true,
      relax_column_count: false,
      relax_quotes: false,
      on_record: (fields: string[], info: InfoRecord) => {
        const line = startOf(info.empty_lines);
        records.push({ fields, line });
        lastEnd = line + fields.reduce((n, field) => n + countLineBreaks(field), 0);
        blanksSeen = info.empty_lines;
        return null; // collected above; nothing for csv-parse to keep
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const emptyLines = typeof error.empty_lines === 'number' ? error.empty_lines : blanksSeen;
    throw datasetError(at(file, startOf(emptyLines)), explainCsvError(error, records[0]?.fields.length));
  }
  return records;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) count++;
    else if (c === 0x0d) {
      count++;
      if (text.charCodeAt(i + 1) === 0x0a) i++;
    }
  }
  return count;
}

const fields = (n: number): string => `${n} field${n === 1 ? '' : 's'}`;

/** csv-parse's reason, in plain words and with what was expected. */
function explainCsvError(error: CsvError, headerLength: number | undefined): string {
  const fieldNumber = typeof error.column === 'number' ? error.column + 1 : undefined;
  const inField = fieldNumber === undefined ? '' : ` in field ${fieldNumber}`;
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const record = Array.isArray(error.record) ? (error.record as unknown[]) : [];
      const got = record.length;
      if (headerLength === undefined) return `row has ${fields(got)}, which does not match the header`;
      if (got === 1 && typeof record[0] === 'string' && record[0].trim() === '') {
        return `line holds only whitespace; delete it (blank lines are skipped) or give it the header's ${fields(headerLength)}`;
      }
      const hint = got > headerLength ? 'a value containing a comma must be wrapped in double quotes' : 'an empty value still needs its comma';
      return `row has ${fields(got)}, the header has ${headerLength}; ${hint}`;
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field starting in this row is never closed; add the closing double quote (a quote inside a quoted field is written "")';
    case 'CSV_INVALID_CLOSING_QUOTE': {
      const got = /got (".*?") at line/.exec(error.message)?.[1];
      return (
        `unexpected ${got === undefined ? 'character' : got} after a closing quote${inField}; a quoted field must end with a double quote followed ` +
        `by a comma or the end of the line (a quote inside it is written "")`
      );
    }
    case 'INVALID_OPENING_QUOTE':
      return `stray double quote${inField}; a field containing quotes must be wrapped in double quotes with each inner quote doubled, e.g. "say ""hi"""`;
    case 'CSV_MAX_RECORD_SIZE':
      return 'row is too large; is a quote left open?';
    default:
      return `cannot parse the CSV: ${error.message.replace(/ (at|on) line \d+/g, '')}`;
  }
}

// ---------------------------------------------------------------- header and rows

interface Columns {
  names: string[];
  prompt: number;
  system: number | undefined;
  id: number | undefined;
  /** Indexes of the `assert*` columns and of the template-variable columns. */
  asserts: number[];
  vars: number[];
}

function readHeader(header: LocatedRecord, file: string): Columns {
  const names = header.fields.map((name) => name.trim());
  const found = `columns found: ${quoteList(names)}`;
  names.forEach((name, i) => {
    if (name === '') {
      throw datasetError(at(file, header.line, i + 1), `column ${i + 1} has no name in the header row; every column needs one (${found})`);
    }
    const first = names.indexOf(name);
    if (first !== i) {
      throw datasetError(
        at(file, header.line, i + 1),
        `duplicate column ${JSON.stringify(name)} (columns ${first + 1} and ${i + 1}); column names must be unique`,
      );
    }
  });
  const prompt = names.indexOf('prompt');
  if (prompt === -1) {
    const hints: string[] = [];
    if (names.some((n) => n.toLowerCase() === 'prompt')) hints.push('names are case-sensitive');
    if (names.some((n) => n.includes(';') || n.includes('\t'))) hints.push('fields must be separated by commas');
    const hint = hints.length === 0 ? '' : ` (${hints.join('; ')})`;
    throw datasetError(at(file, header.line), `the header has no "prompt" column; a CSV dataset needs one${hint}; ${found}`);
  }
  const index = (name: string): number | undefined => {
    const i = names.indexOf(name);
    return i === -1 ? undefined : i;
  };
  const asserts: number[] = [];
  const vars: number[] = [];
  names.forEach((name, i) => {
    if (name === 'prompt' || name === 'system' || name === 'id') return;
    (name.startsWith('assert') ? asserts : vars).push(i);
  });
  return { names, prompt, system: index('system'), id: index('id'), asserts, vars };
}

function toRow(record: LocatedRecord, columns: Columns, file: string, ids: IdRegistry): DatasetRow {
  const { fields, line } = record;
  const value = (i: number): string => fields[i] ?? '';
  const all: Record<string, string> = {};
  columns.names.forEach((name, i) => {
    all[name] = value(i);
  });

  const render = (i: number): string => {
    const result = renderTemplate(value(i), all);
    if ('missing' in result) {
      throw datasetError(
        at(file, line, i + 1),
        `unknown template variable ${JSON.stringify(result.missing)} in column ${JSON.stringify(columns.names[i])}; columns ` +
          `are: ${columns.names.join(', ')} (${LITERAL_BRACES_HINT})`,
      );
    }
    return result.text;
  };

  const prompt = render(columns.prompt);
  if (prompt.trim() === '') {
    throw datasetError(at(file, line, columns.prompt + 1), 'empty prompt; every row needs a non-empty "prompt"');
  }
  const system = columns.system === undefined ? '' : render(columns.system);
  const givenId = columns.id === undefined ? '' : value(columns.id).trim();
  const id = givenId === '' ? defaultId(file, line) : givenId;
  ids.add(id, line, columns.id === undefined ? undefined : columns.id + 1);

  const row: DatasetRow = {
    id,
    source: { file, line },
    messages: [{ role: 'user', content: prompt }],
    vars: pick(columns.vars),
  };
  if (system.trim() !== '') row.system = system;
  if (columns.asserts.length > 0) row.assertColumns = pick(columns.asserts);
  return row;

  function pick(indexes: number[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const i of indexes) out[columns.names[i] ?? ''] = value(i);
    return out;
  }
}
