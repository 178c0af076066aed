import type { ResolvedFeatures } from './resolve-features.js';

/** One column of an answer: a stored column, or a list-answered feature made of several (maybe none). */
export interface AnswerColumn {
  /** Index into `resolved.views`. */
  view: number;
  /** Name in the answer. */
  name: string;
  list: boolean;
  /** Indices into `resolved.order`: the stored columns it is made of, in category order for a list. */
  parts: number[];
}

/** The answer's columns in request order: `order`, with each list's category columns folded into one. */
export function answerColumns(resolved: ResolvedFeatures): AnswerColumn[] {
  const out: AnswerColumn[] = [];
  const { order, lists, views } = resolved;
  let next = 0;
  for (let o = 0; o <= order.length; o++) {
    // Several lists may start at one place (those with no category column start where the next begins).
    while (next < lists.length && lists[next].at === o) {
      const l = lists[next++];
      out.push({ view: l.view, name: l.name, list: true, parts: Array.from({ length: l.count }, (_, k) => l.at + k) });
      o += l.count;
    }
    if (o >= order.length) break;
    const { view, column } = order[o];
    out.push({ view, name: views[view].columns[column].outputName, list: false, parts: [o] });
  }
  return out;
}
