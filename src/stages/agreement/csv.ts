// A small RFC 4180 reader for human-rating files: commas, double-quoted
// fields with "" escapes and embedded commas or newlines, CRLF or LF, a BOM.
// Errors name the file, the line and the field, since these files are
// edited by hand and a spreadsheet export can go wrong in many small ways.
import { UsageError } from '../../core/errors.js';

export class CsvError extends UsageError {
  override name = 'CsvError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string | null,
    problem: string,
  ) {
    super(`${file}:${line}: ${field ? `field "${field}": ` : ''}${problem}`);
  }
}

export interface CsvRecord {
  /** Line on which the record starts (1-based). */
  line: number;
  fields: string[];
}

/** Parse CSV text into records; blank lines are skipped. Unquoted fields are trimmed. */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // the current field was quoted (so it is not trimmed)
  let line = 1;
  let start = 1;
  let i = 0;
  const endField = () => {
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
    fields = [];
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '"' && field.trim() === '' && !quoted) {
      // Opening quote: read to the closing one, "" standing for a quote.
      const opened = line;
      quoted = true;
      field = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvError(file, opened, null, 'a quoted field is never closed (missing ")');
        const c = src[i]!;
        if (c === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) line++;
        field += c;
        i++;
      }
      // After the closing quote only spaces, then a separator or the line end.
      while (src[i] === ' ' || src[i] === '\t') i++;
      const next = src[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvError(file, line, null, `unexpected ${JSON.stringify(next)} after a closing quote (a quote inside a quoted field is written "")`);
      }
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
      continue;
    }
    if (ch === '"') throw new CsvError(file, line, null, 'a quote inside an unquoted field (quote the whole field and write "")');
    field += ch;
    i++;
  }
  if (field !== '' || quoted || fields.length) endRecord();
  return records;
}
