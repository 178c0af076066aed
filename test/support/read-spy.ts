import type { OnlineStore, PreparedRead } from '../../server/online/online-store.js';

/**
 * Records every read `store` is asked for, by its number of keys. Reads are prepared when a plan is
 * first built, so call this before the first online request of the feature lists to watch.
 */
export function spyOnReads(store: OnlineStore): number[] {
  const reads: number[] = [];
  const prepare = store.prepareRead.bind(store);
  store.prepareRead = (table, features) => {
    const read = prepare(table, features);
    const spied: PreparedRead = {
      read: (keys) => {
        reads.push(keys.length);
        return read.read(keys);
      },
    };
    if (read.readSync !== undefined) {
      spied.readSync = (keys) => {
        reads.push(keys.length);
        return read.readSync!(keys);
      };
    }
    return spied;
  };
  return reads;
}
