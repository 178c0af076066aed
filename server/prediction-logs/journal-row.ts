import type { LogRow } from './log-row.js';

/**
 * One appended batch's journal lines, the bytes written to the journal, kept for the rows' reads. Its
 * rows share the model, version and log time.
 */
export class LineBlock {
  /** Where each line ends (its newline), found on the first read that parses a row. */
  private ends: Uint32Array | null = null;
  private bytes: Buffer = Buffer.alloc(0);
  private lines = 0;

  constructor(
    readonly model: string,
    readonly modelVersion: string,
    readonly loggedAt: number,
  ) {}

  /** The batch's lines, once all are made (rows are made with them, before the bytes exist). */
  fill(bytes: Buffer, lines: number): void {
    this.bytes = bytes;
    this.lines = lines;
  }

  /** Line `i` as the row it holds. */
  parse(i: number): LogRow {
    if (this.ends === null) {
      this.ends = new Uint32Array(this.lines);
      // JSON escapes every newline inside a value: the only raw ones end lines.
      for (let at = 0, n = 0; n < this.lines; n++) at = this.ends[n] = this.bytes.indexOf(0x0a, n === 0 ? 0 : at + 1);
    }
    return JSON.parse(this.bytes.toString('utf8', i === 0 ? 0 : this.ends[i - 1] + 1, this.ends[i])) as LogRow;
  }
}

/**
 * An acknowledged row while it waits in memory to be published: what reads filter and sort on (id,
 * entity key, status; model, version and log time from its batch) as fields, the rest parsed from its
 * journal line when a read shows it. A row held as an object of five JSON strings and three numbers
 * cost the young generation's garbage collector a copy of each (twice: once within the young
 * generation, once into the old) for every row, about 400 bytes; this is about 150.
 */
export class JournalRow implements LogRow {
  private parsed: LogRow | null = null;

  constructor(
    readonly id: string,
    readonly entity_key: string,
    readonly status: 'ok' | 'failed',
    readonly given: boolean,
    private readonly block: LineBlock,
    private readonly index: number,
  ) {}

  get model(): string {
    return this.block.model;
  }
  get model_version(): string {
    return this.block.modelVersion;
  }
  get logged_at(): number {
    return this.block.loggedAt;
  }
  get predicted_at(): number {
    return this.line().predicted_at;
  }
  get entity(): string {
    return this.line().entity;
  }
  get features(): string {
    return this.line().features;
  }
  get feature_versions(): string {
    return this.line().feature_versions;
  }
  get prediction(): string {
    return this.line().prediction;
  }
  get probability(): number | null {
    return this.line().probability;
  }
  get error(): string | null {
    return this.line().error;
  }

  private line(): LogRow {
    this.parsed ??= this.block.parse(this.index);
    return this.parsed;
  }
}
