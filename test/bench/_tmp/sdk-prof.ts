import { openFeatureStore } from '../../../server/sdk/index.js';
import { featureRefs, prepareOnlineData } from '../online-data.js';
import fs from 'node:fs';
const dir = '/tmp/sdkprof';
if (!fs.existsSync(dir + '/data')) { fs.mkdirSync(dir, { recursive: true }); await prepareOnlineData(dir, 100_000); }
const dataDir = fs.readdirSync(dir).includes('data') ? dir + '/data' : dir;
console.log(fs.readdirSync(dir));
