import type { NextFunction, Request, Response } from 'express';

/**
 * OPTIONS on a path this process serves: 204 with `Allow` naming every method it takes, the list and
 * order a 405 gives (`allowed` is route-matcher's allowedMethods). Express would answer it itself: a
 * 200 in plain text, its own order (DELETE, GET, HEAD), and only the methods of the first router
 * holding the path. CORS preflights are answered before this (cors.ts); a path no route serves goes on
 * to the 404 problem.
 */
export function optionsAnswer(allowed: (path: string) => string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const methods = req.method === 'OPTIONS' ? allowed(req.path) : [];
    if (methods.length === 0) {
      next();
      return;
    }
    res.set('Allow', methods.join(', '));
    res.status(204).end();
  };
}
