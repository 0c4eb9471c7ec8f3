// Reads an imported list's CSV text as spreadsheets write it (csv-parse: fields in double quotes may
// hold commas, line breaks and "" for a quote). A semicolon-separated file (Excel in Finnish) is read
// too, when its first line has semicolons and no commas. Null when the file cannot be read (a quoted
// field that never ends, a quote inside an unquoted field).
import { CsvError, parse } from 'csv-parse/sync';

export function parseCsv(text: string): string[][] | null {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  try {
    return parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (error) {
    if (error instanceof CsvError) return null;
    throw error;
  }
}
