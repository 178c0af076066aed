/**
 * How many times the request carried header `lower` (a lowercase name). Node keeps the first of some
 * repeated headers (Authorization, Content-Type) and drops the others, so only `rawHeaders` tells.
 * Compares character codes, not `toLowerCase()` copies: the fast paths call it on every request.
 */
export function headerCount(rawHeaders: readonly string[], lower: string): number {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (sameName(rawHeaders[i], lower)) seen++;
  }
  return seen;
}

/** Header names are tokens (letters, digits, `-` and a few signs): `| 0x20` folds the letters' case only. */
function sameName(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < name.length; i++) {
    if ((name.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
