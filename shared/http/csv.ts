/**
 * RFC 4180 CSV for spreadsheets. Every cell is quoted; a cell that a spreadsheet would run as a
 * formula (starting with = + - @, or a tab or carriage return that hides one) gets a leading
 * apostrophe, so a resource name or a message from a change message can never become a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | undefined;

export function csvCell(value: CsvValue): string {
  const text = value === undefined ? '' : String(value);
  const inert = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${inert.replace(/"/g, '""')}"`;
}

/** The header and the rows, CRLF line ends, with a byte order mark so spreadsheets read UTF-8. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return `\uFEFF${[header, ...rows].map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('')}`;
}
