import fs from 'node:fs';
import { promisify } from 'node:util';

/**
 * The file operations the journal makes, behind a seam so tests can make a write fail with ENOSPC or a
 * sync with EIO (what a full disk or a failing device does) without a real full disk.
 */
export interface JournalIo {
  open(file: string): Promise<number>;
  /** Writes all of `data` at `position` (looping over short writes). */
  write(fd: number, data: Buffer, position: number): Promise<void>;
  /** fdatasync: the data written so far is on the device when it resolves. */
  sync(fd: number): Promise<void>;
  truncate(fd: number, length: number): Promise<void>;
  close(fd: number): Promise<void>;
}

const write = promisify(fs.write);
const open = promisify(fs.open);

export const fileJournalIo: JournalIo = {
  open: (file) => open(file, 'wx'),
  async write(fd, data, position) {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await write(fd, data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  },
  sync: promisify(fs.fdatasync),
  truncate: promisify(fs.ftruncate),
  close: promisify(fs.close),
};
