/**
 * The Redis Cluster slot of a key: CRC16 (XMODEM) of its hash tag (the text between the first `{`
 * and the next `}`, when not empty) or of the whole key, modulo 16384. Writes group rows by slot,
 * since one Lua script may only touch keys of one slot.
 */
export function keySlot(key: string): number {
  let start = key.indexOf('{');
  let end = key.length;
  if (start >= 0) {
    const close = key.indexOf('}', start + 1);
    if (close > start + 1) end = close;
    else start = -1;
  }
  return crc16(Buffer.from(start >= 0 ? key.slice(start + 1, end) : key)) & 16383;
}

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}
