import type { OnlineTally } from '../metrics/online-tally.js';
import type { OnlineRecord } from '../online/online-store.js';
import type { AnswerColumn } from './answer-columns.js';
import type { FeatureStatus, FeatureVector, OnlineResponse } from './online-response.js';

/** What folding needs of a view besides its records: its ttl and how its timestamps are written. */
export interface ListFoldContext {
  found: (OnlineRecord | null)[][];
  ttlMs: (view: number) => number;
  now: number;
  stamp: (eventTs: number) => string;
  epoch: string;
  tally?: OnlineTally;
}

/**
 * An answer with each list-answered feature's category columns folded into one column of lists
 * (`[0, 0, 1]`, in category order), as Feast writes its list types: a plain JSON array. A found row
 * gives the list even when every value is 0 (a null or unseen category), with the status the row's
 * columns share (PRESENT, or OUTSIDE_MAX_AGE); a missing row gives null, NOT_FOUND. Statuses are
 * counted once per list, not once per category. `leading` entity columns come first and stay.
 */
export function foldLists(answer: OnlineResponse, leading: number, columns: AnswerColumn[], context: ListFoldContext): OnlineResponse {
  const { results } = answer;
  const names = answer.metadata.feature_names;
  const outNames = names.slice(0, leading);
  const outResults = results.slice(0, leading);
  const tally = context.tally;
  for (const c of columns) {
    if (!c.list) {
      outNames.push(names[leading + c.parts[0]]);
      outResults.push(results[leading + c.parts[0]]);
      continue;
    }
    const parts = c.parts.map((p) => results[leading + p]);
    const records = context.found[c.view];
    const rows = records.length;
    const ttlMs = context.ttlMs(c.view);
    const values = new Array<unknown>(rows);
    const statuses = new Array<FeatureStatus>(rows);
    const stamps = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      const r = records[i];
      if (tally) for (const p of parts) tally[p.statuses[i]]--;
      if (r === null) {
        values[i] = null;
        statuses[i] = 'NOT_FOUND';
        stamps[i] = context.epoch;
      } else {
        values[i] = parts.map((p) => p.values[i]);
        statuses[i] = ttlMs > 0 && r.eventTs < context.now - ttlMs ? 'OUTSIDE_MAX_AGE' : 'PRESENT';
        stamps[i] = context.stamp(r.eventTs);
      }
      if (tally) tally[statuses[i]]++;
    }
    outNames.push(c.name);
    outResults.push({ values, statuses, event_timestamps: stamps } satisfies FeatureVector);
  }
  return { metadata: { ...answer.metadata, feature_names: outNames }, results: outResults };
}
