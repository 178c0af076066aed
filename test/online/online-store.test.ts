import { onlineStoreContract } from './online-store.contract.js';
import { ONLINE_STORES } from './online-stores.js';

for (const store of ONLINE_STORES) onlineStoreContract(store.name, store.open, store.skip);
