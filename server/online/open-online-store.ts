import path from 'node:path';
import { TesseraError } from '../errors.js';
import type { OnlineStore } from './online-store.js';
import { SqliteOnlineStore } from './sqlite-online-store.js';

export interface OnlineStoreOptions {
  dataDir: string;
  /** `TESSERA_ONLINE_URL`: a store behind a URL; unset = `<dataDir>/online.db`. */
  onlineUrl?: string;
}

/** The one place the online store is chosen from the configuration and built. */
export async function openOnlineStore(options: OnlineStoreOptions): Promise<OnlineStore> {
  if (options.onlineUrl !== undefined) {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(options.onlineUrl)?.[0] ?? options.onlineUrl;
    throw new TesseraError('validation', `TESSERA_ONLINE_URL (--online-url): no online store serves '${scheme}' URLs`, [{ path: 'onlineUrl', message: 'unsupported scheme' }]);
  }
  return new SqliteOnlineStore(path.join(options.dataDir, 'online.db'));
}
