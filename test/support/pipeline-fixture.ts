import path from 'node:path';
import type { BundleInput } from '../../server/domain/bundle.js';
import { writeFiles } from './temp-dir.js';
import { postJson, testServer } from './services.js';

/** A server over a definitions folder holding `files`, with `bundle` applied. */
export async function pipelineServer(files: Record<string, string>, bundle: BundleInput, overrides: Record<string, unknown> = {}, options: Parameters<typeof testServer>[1] = {}) {
  const server = await testServer(overrides, options);
  const defs = server.services.config.definitions;
  writeFiles(defs, files);
  const applied = await postJson(`${server.url}/api/v1/apply`, bundle);
  if (applied.status !== 200) {
    // The caller gets no handle to close: a server left open would keep the test process alive.
    await server.close();
    throw new Error(`apply failed: ${JSON.stringify(applied.body)}`);
  }
  return {
    ...server,
    defs,
    dataDir: server.services.config.dataDir,
    file: (rel: string) => path.join(defs, rel),
    /** Materializes and waits; returns the run record. */
    async materialize(view: string, body: Record<string, unknown> = {}) {
      const res = await postJson(`${server.url}/api/v1/feature-views/${view}/materialize?wait=true`, body);
      if (res.status !== 200) throw new Error(`materialize answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
  };
}
