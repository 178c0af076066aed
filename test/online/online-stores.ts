import path from 'node:path';
import { openOnlineStore } from '../../server/online/open-online-store.js';
import type { OnlineStore } from '../../server/online/online-store.js';
import { REDIS_SKIP, deleteKeysUnder, redisUrlWithPrefix, uniquePrefix } from '../support/redis.js';
import { tempDir } from '../support/temp-dir.js';

export interface OnlineStoreUnderTest {
  name: string;
  /** Why the store's suite is skipped on this machine, or null when it runs. */
  skip: string | null;
  /** A fresh, empty store. */
  open(): Promise<OnlineStore>;
}

const sqlite: OnlineStoreUnderTest = { name: 'sqlite', skip: null, open: () => openOnlineStore({ dataDir: path.join(tempDir(), 'data') }) };

/** Each store on a key prefix of its own in the shared Redis; closing it removes its keys. */
const redis: OnlineStoreUnderTest = {
  name: 'redis',
  skip: REDIS_SKIP,
  async open() {
    const prefix = uniquePrefix();
    const store = await openOnlineStore({ dataDir: tempDir(), onlineUrl: redisUrlWithPrefix(prefix) });
    const close = store.close.bind(store);
    store.close = async () => {
      await close();
      await deleteKeysUnder(prefix);
    };
    return store;
  },
};

/** Every online store; the contract suite runs against each. Adding a store is one line here. */
export const ONLINE_STORES: OnlineStoreUnderTest[] = [sqlite, redis];
