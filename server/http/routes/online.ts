import { Router } from 'express';
import type { OnlineService } from '../../serving/online-service.js';
import { parsedBody } from '../body.js';

/** `POST /get-online-features`: Feast's feature server endpoint, same request and answer. */
export function onlineRoutes(deps: { online: OnlineService; bodyLimit: number }): Router {
  const router = Router();
  router.post('/get-online-features', ...parsedBody(deps.bodyLimit), async (req, res) => {
    const answer = await deps.online.get(req.body);
    res.type('application/json').send(JSON.stringify(answer));
  });
  return router;
}
