import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { actorName } from '../../auth/audit-log.js';
import type { AuthGate } from '../../auth/auth-gate.js';
import { ADMIN_ONLY } from '../../auth/route-auth.js';
import type { KeyService } from '../../auth/key-service.js';
import type { Identity } from '../../auth/identity.js';
import type { AuthStore } from '../../registry/auth-store.js';
import { MAX_TIMESTAMP_MS } from '../../domain/time.js';
import { parsedBody } from '../body.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput, queryInt } from '../validate.js';

const keyInfo = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  createdAt: z.number().int(),
  createdBy: z.string(),
  expiresAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});

// Names and roles reach audit entries, logs and the CLI's tables: no control characters.
const printable = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');

const createKey = z.strictObject({
  name: printable,
  roles: z
    .array(printable)
    .min(1)
    .max(1000)
    .refine((roles) => new Set(roles).size === roles.length, 'each role once'),
  // The last instant a timestamp holds: a later expiry could not be shown as one.
  expiresAt: z.number().int().positive().max(MAX_TIMESTAMP_MS).nullable().optional().describe('epoch ms; absent or null: never'),
});

const auditRecord = z.object({
  id: z.number().int(),
  at: z.number().int(),
  actor: z.string(),
  action: z.string(),
  resource: z.string(),
  outcome: z.string(),
  status: z.number().int(),
  detail: z.string().nullable(),
});

export const AUTH_ROUTES = defineRoutes({
  createKey: {
    method: 'post',
    path: '/api/v1/keys',
    auth: ADMIN_ONLY,
    tag: 'security',
    summary: 'Create an API key; its token is in this answer only',
    body: { required: true, description: 'name, roles, optional expiry', schema: createKey },
    responses: { 201: { description: 'the key and its token (shown once)', schema: z.object({ token: z.string(), key: keyInfo }) } },
    problems: [400, 401, 403, 413, 415],
  },
  listKeys: {
    method: 'get',
    path: '/api/v1/keys',
    auth: ADMIN_ONLY,
    tag: 'security',
    summary: 'Every API key (never its secret), revoked ones included',
    responses: { 200: { description: '{keys: [...]}', schema: z.object({ keys: z.array(keyInfo) }) } },
    problems: [401, 403],
  },
  revokeKey: {
    method: 'delete',
    path: '/api/v1/keys/:id',
    auth: ADMIN_ONLY,
    tag: 'security',
    summary: 'Revoke an API key (other processes stop accepting it within TESSERA_KEY_CACHE_MS)',
    params: z.object({ id: z.string() }),
    responses: { 204: { description: 'revoked' } },
    problems: [401, 403, 404],
  },
  audit: {
    method: 'get',
    path: '/api/v1/audit',
    auth: ADMIN_ONLY,
    tag: 'security',
    summary: 'The audit log, newest first: mutating calls and refused requests',
    query: z.strictObject({
      limit: queryInt(1, 1000).default(100),
      before: queryInt(1, Number.MAX_SAFE_INTEGER).optional().describe('entries with a smaller id (paging)'),
      actor: z.string().optional(),
    }),
    responses: { 200: { description: '{entries: [...]}', schema: z.object({ entries: z.array(auditRecord) }) } },
    problems: [400, 401, 403],
  },
});

/** API keys and the audit log (admins only). */
export function authRoutes(deps: { keys: KeyService; gate: AuthGate; store: AuthStore; bodyLimit: number }): Router {
  const router = Router();
  const r = AUTH_ROUTES;
  router.post(r.createKey.path, ...parsedBody(deps.bodyLimit), async (req, res) => {
    const input = parseInput(r.createKey.body.schema, req.body);
    const identity = res.locals.identity as Identity | undefined;
    const created = await deps.keys.create({ name: input.name, roles: input.roles, expiresAt: input.expiresAt ?? null, createdBy: identity ? actorName(identity) : `http ${req.id}` });
    res.locals.auditDetail = `key=${created.key.id} roles=${created.key.roles.join(',')}`;
    res.status(201).json(created);
  });
  router.get(r.listKeys.path, async (_req, res) => {
    res.json({ keys: await deps.keys.list() });
  });
  router.delete(r.revokeKey.path, async (req, res) => {
    const { id } = parseInput(r.revokeKey.params, req.params, '(url) ');
    await deps.keys.revoke(id);
    res.locals.auditDetail = `key=${id}`;
    res.status(204).end();
  });
  router.get(r.audit.path, async (req, res) => {
    const q = parseInput(r.audit.query, req.query, '(query) ');
    // Entries of calls answered a moment ago may still be queued (audit-log.ts): they are listed too.
    await deps.gate.audit.flush();
    res.json({ entries: await deps.store.audit({ limit: q.limit, beforeId: q.before, actor: q.actor }) });
  });
  return router;
}
