import { authStoreContract } from './auth-store.contract.js';
import { alertStoreContract } from './alert-store.contract.js';
import { catalogStoreContract } from './catalog-store.contract.js';
import { datasetStoreContract } from './dataset-store.contract.js';
import { leaseStoreContract } from './lease-store.contract.js';
import { predictionLogStoreContract } from './prediction-log-store.contract.js';
import { monitorResultStoreContract } from './monitor-result-store.contract.js';
import { runStoreContract } from './run-store.contract.js';

// Every suite runs once per backend in REGISTRY_BACKENDS (registry-backends.ts).
catalogStoreContract();
runStoreContract();
leaseStoreContract();
datasetStoreContract();
authStoreContract();
predictionLogStoreContract();
alertStoreContract();
monitorResultStoreContract();
