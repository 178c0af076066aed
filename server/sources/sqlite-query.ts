/**
 * What a SQLite source's query may be, judged from its text: one SELECT (or VALUES, or a WITH ... SELECT)
 * and nothing after it, no `load_extension`. This runs when a definition is applied, before any
 * database exists; when a run prepares the query, SQLite's own verdict (`statement.readonly`,
 * `statement.reader`) is checked again, on a connection opened read-only.
 */

interface Token {
  /** A word, lower-cased (keywords, names, numbers); quoted names keep their text and are marked. */
  text: string;
  quoted: boolean;
  /** Punctuation: one character. */
  punct: boolean;
}

/** SQLite's lexical rules, as far as finding statements, keywords and function names needs them. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'") {
      i = closing(sql, i, "'");
      tokens.push({ text: "'", quoted: false, punct: false });
    } else if (c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      const end = closing(sql, i, close);
      tokens.push({ text: sql.slice(i + 1, end - 1).toLowerCase(), quoted: true, punct: false });
      i = end;
    } else if (/[\p{L}\p{N}_$]/u.test(c)) {
      let j = i + 1;
      while (j < n && /[\p{L}\p{N}_$]/u.test(sql[j])) j++;
      tokens.push({ text: sql.slice(i, j).toLowerCase(), quoted: false, punct: false });
      i = j;
    } else {
      tokens.push({ text: c, quoted: false, punct: true });
      i++;
    }
  }
  return tokens;
}

/** The index after a quoted run starting at `start` (a doubled quote stays inside); the end when unclosed. */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (quote !== ']' && sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

const READS = new Set(['select', 'values']);
const WRITES = new Set(['insert', 'update', 'delete', 'replace']);

/** Why a query may not be a source's, or null. */
export function sqliteQueryProblem(sql: string): string | null {
  const tokens = tokenize(sql);
  const semicolon = tokens.findIndex((t) => t.punct && t.text === ';');
  if (semicolon >= 0 && tokens.slice(semicolon + 1).some((t) => !(t.punct && t.text === ';'))) {
    return 'the query must be one statement; nothing may follow its ;';
  }
  const statement = semicolon < 0 ? tokens : tokens.slice(0, semicolon);
  if (statement.length === 0) return 'the query is empty';
  const kind = statementKind(statement);
  if (kind === null || !READS.has(kind)) {
    const what = kind === null ? 'this statement' : kind.toUpperCase();
    return `the query must be one read-only SELECT (or WITH ... SELECT, or VALUES); ${what} is not allowed in a source`;
  }
  for (let k = 0; k + 1 < statement.length; k++) {
    if (!statement[k].punct && statement[k].text === 'load_extension' && statement[k + 1].text === '(') return 'load_extension is not allowed in a source query';
  }
  return null;
}

/** The statement's verb: its first word, or after a WITH clause the first verb outside parentheses. */
function statementKind(tokens: Token[]): string | null {
  const first = tokens[0];
  if (first.punct || first.quoted) return null;
  if (first.text !== 'with') return first.text;
  let depth = 0;
  for (const t of tokens.slice(1)) {
    if (t.punct && t.text === '(') depth++;
    else if (t.punct && t.text === ')') depth--;
    else if (depth === 0 && !t.punct && !t.quoted && (READS.has(t.text) || WRITES.has(t.text))) return t.text;
  }
  return null;
}
