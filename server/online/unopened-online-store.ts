import { TesseraError } from '../errors.js';
import type { OnlineStore } from './online-store.js';

/**
 * The online store of a process that must not open one: a CLI command that only reads the registry or
 * the offline store (list, audit, a historical query). Connecting would fail such a command while Redis
 * is down, and the embedded store would create online.db in the data dir. No such command reads or
 * writes online rows, so a call is a wrong `online: false` in the caller: answered as an internal error
 * that says so. Closing it is a no-op.
 */
export function unopenedOnlineStore(): OnlineStore {
  const unopened = (): never => {
    throw new TesseraError('internal', 'this command opened no online store (it only reads the registry and the offline store)');
  };
  return {
    synchronousReads: false,
    createTable: async () => unopened(),
    dropTable: async () => unopened(),
    write: async () => unopened(),
    read: async () => unopened(),
    prepareRead: () => unopened(),
    ping: async () => unopened(),
    close: async () => undefined,
  };
}
