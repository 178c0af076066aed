import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Where offline files live. Implementation: the local data dir (`LocalFileStore`); object storage
 * later. Paths are relative, with `/` separators. Contract: `writeAtomic` makes a file appear whole or
 * not at all, durable once it resolves; `locate` gives a location DuckDB can read (a path here, an
 * `s3://` URL for object storage).
 */
export interface FileStore {
  writeAtomic(relPath: string, data: Uint8Array): Promise<void>;
  read(relPath: string): Promise<Uint8Array>;
  remove(relPath: string): Promise<void>;
  /** Every file under a folder, relative paths, sorted. */
  list(relDir: string): Promise<string[]>;
  locate(relPath: string): string;
  /**
   * A local path where another writer (DuckDB) may write the content of `relPath`; nothing there is
   * visible until `publish`. Recovery removes what is left behind (the name ends in `.tmp`).
   */
  stagingPath(relPath: string): Promise<string>;
  /** Makes the file written at `staged` appear as `relPath`, whole and durable, like `writeAtomic`. */
  publish(staged: string, relPath: string): Promise<void>;
}

/**
 * Files under a local folder (the data dir). `offline/` may live elsewhere (`TESSERA_OFFLINE_DIR`, a
 * file system every process shares): paths stay `offline/<view>/...` in the registry whichever folder
 * holds them, so processes with different data dirs name the same files alike.
 */
export class LocalFileStore implements FileStore {
  private readonly offline: string;

  constructor(
    private readonly root: string,
    offlineDir?: string,
  ) {
    this.offline = offlineDir ?? path.join(root, 'offline');
  }

  async writeAtomic(relPath: string, data: Uint8Array): Promise<void> {
    const temp = await this.stagingPath(relPath);
    const handle = await fs.promises.open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.rename(temp, relPath);
  }

  async stagingPath(relPath: string): Promise<string> {
    const target = this.locate(relPath);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    return `${target}.${randomBytes(4).toString('hex')}.tmp`;
  }

  async publish(staged: string, relPath: string): Promise<void> {
    const handle = await fs.promises.open(staged, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.rename(staged, relPath);
  }

  private async rename(temp: string, relPath: string): Promise<void> {
    const target = this.locate(relPath);
    await fs.promises.rename(temp, target);
    // The rename is durable only once the folder's entry is on disk.
    const dir = await fs.promises.open(path.dirname(target), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async read(relPath: string): Promise<Uint8Array> {
    return fs.promises.readFile(this.locate(relPath));
  }

  async remove(relPath: string): Promise<void> {
    await fs.promises.rm(this.locate(relPath), { force: true, recursive: true });
  }

  async list(relDir: string): Promise<string[]> {
    const base = this.locate(relDir);
    if (!fs.existsSync(base)) return [];
    const entries = await fs.promises.readdir(base, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => this.relative(path.join(e.parentPath, e.name)))
      .sort();
  }

  locate(relPath: string): string {
    const [first, ...rest] = relPath.split('/');
    const [root, inner] = first === 'offline' ? [this.offline, rest.join('/')] : [this.root, relPath];
    const resolved = path.resolve(root, inner);
    if (resolved !== root && !resolved.startsWith(root + path.sep)) throw new Error(`path '${relPath}' leaves the data dir`);
    return resolved;
  }

  private relative(file: string): string {
    const offline = path.relative(this.offline, file);
    const inOffline = offline !== '' && !offline.startsWith('..') && !path.isAbsolute(offline);
    return (inOffline ? `offline/${offline}` : path.relative(this.root, file)).split(path.sep).join('/');
  }
}
