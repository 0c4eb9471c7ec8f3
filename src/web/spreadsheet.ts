// The CSV downloads' one shape (a round's roster, its feedback results, the register by agency):
// UTF-8 with a byte-order mark, ';' between cells and CRLF line ends, as Excel set to Finnish opens
// them; a cell that Excel would run as a formula kept as text; and a file name in plain ASCII for
// old clients beside the real one in UTF-8.
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';

/** A cell Excel would read as a formula (=, +, -, @, or a tab or CR first) is kept as text: names and answers are anyone's typing. */
export function spreadsheetCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function spreadsheetCsv(rows: string[][]): string {
  return stringify(rows, { bom: true, delimiter: ';', record_delimiter: 'windows' });
}

/** An ASCII file name from a name: "Kevät 2027 – verkossa" → "kevat-2027-verkossa"; `fallback` when nothing is left. */
export function asciiFileName(name: string, fallback = 'roster'): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return ascii || fallback;
}

/** Sends `csv` as the download `name`.csv (never cached: rosters and registers hold people). */
export function sendSpreadsheet(reply: FastifyReply, name: string, csv: string, fallback?: string) {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${asciiFileName(name, fallback)}.csv"; filename*=UTF-8''${encodeURIComponent(`${name}.csv`)}`)
    .header('cache-control', 'no-store')
    .send(csv);
}
