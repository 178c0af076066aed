import { TokenParser, TokenType, Tokenizer } from '@streamparser/json';
import type { ParsedTokenInfo } from '@streamparser/json';
import { TesseraError, errorMessage } from '../errors.js';

interface Frame {
  array: boolean;
  /** The key (object) or index (array) of the value being read in this container. */
  key: string | number | undefined;
  expectKey: boolean;
}

/**
 * The records of a JSON answer, parsed as its bytes arrive: the array itself, or the array at the
 * dotted `recordsPath`. Records are handed out as they complete and are not kept, so an answer of any
 * size streams in bounded memory. A path that is missing or not an array is an error naming it, as
 * soon as the answer shows it.
 */
export class JsonRecords {
  private readonly tokenizer = new Tokenizer({ stringBufferSize: 64 * 1024 });
  private readonly parser: TokenParser;
  private readonly steps: string[];
  private readonly frames: Frame[] = [];
  private records: unknown[] = [];
  /** How many steps of the path were found; `steps.length` once the target array started. */
  private found = 0;
  private targetSeen = false;
  private sawToken = false;

  constructor(
    recordsPath: string | undefined,
    private readonly where: string,
  ) {
    this.steps = recordsPath === undefined ? [] : recordsPath.split('.');
    this.parser = new TokenParser({ paths: [this.steps.length ? `$.${this.steps.join('.')}.*` : '$.*'], keepStack: false });
    this.parser.onValue = ({ value }) => void this.records.push(value);
    this.tokenizer.onToken = (token) => {
      this.sawToken = true;
      this.track(token);
      this.parser.write(token);
    };
  }

  /** Feeds bytes; returns the records completed by them. */
  push(bytes: Uint8Array): unknown[] {
    this.guard(() => this.tokenizer.write(bytes));
    const done = this.records;
    this.records = [];
    return done;
  }

  /** Ends the answer: the last records, or an error if the answer was cut short or held no such array. */
  end(): unknown[] {
    this.guard(() => {
      if (!this.tokenizer.isEnded) this.tokenizer.end();
    });
    // The parser ends by itself when the document's last bracket closes: otherwise the answer was cut.
    if (!this.parser.isEnded) throw this.error(this.sawToken ? 'the answer ended before its JSON was complete' : 'the answer is empty');
    if (!this.targetSeen) {
      throw this.error(`the answer has no '${this.steps.slice(0, this.found + 1).join('.')}' (recordsPath '${this.steps.join('.')}')`);
    }
    return this.records;
  }

  /** Follows where the tokenizer is in the document, to check the path before any value of it is used. */
  private track({ token, value }: ParsedTokenInfo): void {
    const frames = this.frames;
    const top = frames.length ? frames[frames.length - 1] : undefined;
    if (top && !top.array && top.expectKey && token === TokenType.STRING) {
      top.key = value as string;
      top.expectKey = false;
      return;
    }
    if (token === TokenType.COLON) return;
    if (token === TokenType.COMMA) {
      if (top?.array) top.key = (top.key as number) + 1;
      else if (top) top.expectKey = true;
      return;
    }
    if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      frames.pop();
      return;
    }
    // A value starts here: is it on the path to the records?
    const depth = frames.length;
    if (depth <= this.steps.length && frames.every((f, i) => String(f.key) === this.steps[i])) {
      this.found = Math.max(this.found, depth);
      if (depth === this.steps.length) {
        if (token !== TokenType.LEFT_BRACKET) {
          throw this.error(depth === 0 ? 'the answer is not an array (set recordsPath to the array inside it)' : `'${this.steps.join('.')}' is not an array`);
        }
        this.targetSeen = true;
      }
    }
    if (token === TokenType.LEFT_BRACE) frames.push({ array: false, key: undefined, expectKey: true });
    else if (token === TokenType.LEFT_BRACKET) frames.push({ array: true, key: 0, expectKey: false });
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (e) {
      if (e instanceof TesseraError) throw e;
      throw this.error(`did not answer JSON: ${errorMessage(e)}`, e);
    }
  }

  private error(message: string, cause?: unknown): TesseraError {
    return new TesseraError('source_error', `${this.where}: ${message}`, [], { cause });
  }
}
