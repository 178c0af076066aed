/**
 * JSON.parse, except that an integer token beyond 2^53 becomes a BigInt holding its exact value.
 * 64-bit ids and hashes are common join keys and Feast keeps them exact; JSON.parse would round
 * 9007199254740993 to ...992, and Node 20 has neither source text access in a reviver nor
 * `JSON.rawJSON`. The text must already be valid JSON (callers run JSON.parse first, which also
 * gives the syntax error message), so this only walks it. Only texts holding a run of 16 digits can
 * hold such a token (2^53 has 16 digits): `mayHoldWideIntegers` says when the walk is needed.
 */
export function parseJsonExact(text: string): unknown {
  return new Walker(text).value();
}

/** True when `text` may hold an integer that a double cannot hold exactly (cheap pre-check). */
export function mayHoldWideIntegers(text: string): boolean {
  return WIDE.test(text);
}

const WIDE = /\d{16}/;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const INTEGER = /^-?\d+$/;

class Walker {
  private at = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.space();
    const c = this.text.charCodeAt(this.at);
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.number();
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.at++;
    this.space();
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      const key = this.string();
      this.space();
      this.at++; // ':'
      const v = this.value();
      // As JSON.parse: an own property even for "__proto__", and the last of duplicate keys wins.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.space();
      if (this.text.charCodeAt(this.at++) === 0x7d) return out;
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.at++;
    this.space();
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.space();
      if (this.text.charCodeAt(this.at++) === 0x5d) return out;
    }
  }

  private string(): string {
    const start = this.at;
    let escaped = false;
    for (this.at = start + 1; ; this.at++) {
      const c = this.text.charCodeAt(this.at);
      if (c === 0x5c) {
        escaped = true;
        this.at++;
      } else if (c === 0x22) break;
    }
    this.at++;
    return escaped ? (JSON.parse(this.text.slice(start, this.at)) as string) : this.text.slice(start + 1, this.at - 1);
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.at;
    const token = NUMBER.exec(this.text)![0];
    this.at += token.length;
    const n = Number(token);
    return !Number.isSafeInteger(n) && INTEGER.test(token) ? BigInt(token) : n;
  }

  private literal<T>(word: string, v: T): T {
    this.at += word.length;
    return v;
  }

  private space(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.at++;
      else return;
    }
  }
}
