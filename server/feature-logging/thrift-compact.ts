/** Thrift compact protocol type codes (field and list element types). */
export const T = { TRUE: 1, FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

const encoder = new TextEncoder();

/**
 * A Thrift compact-protocol writer, enough for Parquet's page headers and footer: structs, i32/i64,
 * booleans, binaries and lists. Integers are zigzag varints computed in floating point, exact up to
 * 2^52 (file offsets and row counts stay far below).
 */
export class ThriftWriter {
  private bytes = new Uint8Array(256);
  private at = 0;
  private last: number[] = [];
  private fieldId = 0;

  get length(): number {
    return this.at;
  }

  /** The bytes written; the writer is reset. */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.at);
    this.at = 0;
    return out;
  }

  private byte(b: number): void {
    if (this.at === this.bytes.length) this.ensure(1);
    this.bytes[this.at++] = b;
  }

  private ensure(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.at));
    this.bytes = next;
  }

  varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  private zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  private header(id: number, type: number): void {
    const delta = id - this.fieldId;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.fieldId = id;
  }

  i32(id: number, n: number): void {
    this.header(id, T.I32);
    this.zigzag(n);
  }

  i64(id: number, n: number): void {
    this.header(id, T.I64);
    this.zigzag(n);
  }

  bool(id: number, b: boolean): void {
    this.header(id, b ? T.TRUE : T.FALSE);
  }

  binary(id: number, value: string | Uint8Array): void {
    this.header(id, T.BINARY);
    this.rawBinary(value);
  }

  rawBinary(value: string | Uint8Array): void {
    const bytes = typeof value === 'string' ? encoder.encode(value) : value;
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** A struct field: `body` writes its fields. */
  struct(id: number, body: () => void): void {
    this.header(id, T.STRUCT);
    this.inStruct(body);
  }

  /** A struct's fields and stop byte (a list element, or the top-level struct). */
  inStruct(body: () => void): void {
    this.last.push(this.fieldId);
    this.fieldId = 0;
    body();
    this.byte(0);
    this.fieldId = this.last.pop()!;
  }

  list(id: number, elementType: number, size: number, each: (i: number) => void): void {
    this.header(id, T.LIST);
    if (size < 15) this.byte((size << 4) | elementType);
    else {
      this.byte(0xf0 | elementType);
      this.varint(size);
    }
    for (let i = 0; i < size; i++) each(i);
  }

  /** A bare zigzag varint: an i32 or i64 list element. */
  element(n: number): void {
    this.zigzag(n);
  }
}
