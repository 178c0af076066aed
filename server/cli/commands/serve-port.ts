import net from 'node:net';
import { conflict } from '../../errors.js';

/**
 * Takes the port and gives it back, before `serve` changes anything. A serve on a port in use applied
 * the definitions folder and took the scheduler lease (a scheduled run could start) before it failed
 * to listen. A process that takes the port between this check and the listen still fails there, as
 * before, giving its lease back. Port 0 (any free port) cannot be in use.
 */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      // exclusive: a cluster worker's listen would share its primary's handle instead of binding.
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    throw conflict(`port ${port} on ${host} is in use (EADDRINUSE): another server listens there; nothing was applied or started`, [{ path: '--port', message: `${host}:${port} is in use` }]);
  }
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
