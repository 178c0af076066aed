import type { NextFunction, Request, Response } from 'express';
import { TesseraError } from '../../errors.js';
import { MEDIA_TYPE_ALIASES, MEDIA_TYPES, type ResultFormat, contentType } from '../../offline/result-format.js';
import { type Sink, writableSink } from '../../offline/result-sink.js';

const FORMATS = [...(Object.entries(MEDIA_TYPES) as [ResultFormat, string][]), ...MEDIA_TYPE_ALIASES];
const OFFERED = FORMATS.map(([, type]) => type);

/** The answer format from `Accept` (none or `*\/*`: JSON); anything else is a 406, before any work. */
export function negotiate(req: Request): ResultFormat {
  const chosen = req.accepts(OFFERED);
  const found = FORMATS.find(([, type]) => type === chosen);
  if (!found) {
    const offered = OFFERED.join(', ');
    throw new TesseraError('not_acceptable', `cannot answer in '${req.headers.accept ?? ''}'; ask for one of ${offered}`, [{ path: '(header) accept', message: `one of ${offered}` }]);
  }
  return found[0];
}

/** Negotiates before the body is read: a 406 should not cost a 256 MB upload. Sets `res.locals.format`. */
export function acceptable(req: Request, res: Response, next: NextFunction): void {
  try {
    res.locals.format = negotiate(req);
    next();
  } catch (e) {
    next(e);
  }
}

/** Streams an answer of `rows` rows to the client in `format`; `write` writes it to a sink. */
export async function sendResult(res: Response, rows: number, format: ResultFormat, write: (sink: Sink) => Promise<void>): Promise<void> {
  res.status(200);
  res.setHeader('content-type', contentType(format));
  res.setHeader('x-tessera-rows', String(rows));
  await write(writableSink(res));
  res.end();
}

/** Aborts when the client goes away before the answer is complete, so DuckDB stops working for nobody. */
export function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
