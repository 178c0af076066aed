import { open } from 'node:fs/promises';

const SCAN_BYTES = 1 << 20;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The header of a "plain" CSV file, or null when the file is not plain. Plain: no BOM, no quote
 * character, no carriage return, no blank line, a header line ended by a newline, at least one more
 * byte after it, and a header whose names are unique and non-empty. In a plain file every row is
 * exactly one line and every field is the bytes between two delimiters, so any two CSV parsers
 * split it alike, and data row `r` (0-based) sits on line `r + 2`: what lets the DuckDB reader hand
 * the rest of a file to the JS reader at an exact line. Costs one pass of `indexOf` over the bytes.
 */
export async function plainCsvHeader(file: string, delimiter: string): Promise<string[] | null> {
  if (delimiter === '"' || delimiter === '\r' || delimiter === '\n' || Buffer.byteLength(delimiter) !== 1) return null;
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(SCAN_BYTES);
    let headerBytes: Buffer[] = [];
    let header: string | null = null;
    let previousLast = -1;
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, SCAN_BYTES, null);
      if (bytesRead === 0) break;
      const bytes = buffer.subarray(0, bytesRead);
      if (total === 0 && bytesRead >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return null;
      if (bytes.indexOf(QUOTE) >= 0 || bytes.indexOf(CR) >= 0) return null;
      // A blank line: two newlines in a row, within this piece or across its start.
      if (bytes.indexOf('\n\n') >= 0 || (previousLast === LF && bytes[0] === LF) || (total === 0 && bytes[0] === LF)) return null;
      if (header === null) {
        const end = bytes.indexOf(LF);
        if (end < 0) headerBytes.push(Buffer.from(bytes));
        else {
          headerBytes.push(bytes.subarray(0, end));
          header = Buffer.concat(headerBytes).toString('utf8');
          headerBytes = [];
        }
      }
      previousLast = bytes[bytesRead - 1];
      total += bytesRead;
    }
    if (header === null) return null;
    const names = header.split(delimiter);
    if (names.some((n) => n.length === 0) || new Set(names).size !== names.length) return null;
    // A header alone (no row after it) reads as nothing either way; leave that case to the JS reader.
    if (total <= Buffer.byteLength(header) + 1) return null;
    return names;
  } finally {
    await handle.close();
  }
}
