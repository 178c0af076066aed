import assert from 'node:assert/strict';
import { waitFor } from '../support/spawn-server.js';
import { registryTest } from './registry-backends.js';

const MINUTE = 60_000;

/** The lease store contract (server/registry/lease-store.ts), run against every registry backend. */
export function leaseStoreContract(): void {
  const suite = 'lease store';

  registryTest(suite, 'a free lease is taken; another holder is refused while it runs; renewal and release', async ({ registry, another }) => {
    const a = registry.leases;
    const b = (await another()).leases;
    assert.equal(await a.holderOf('scheduler'), null);
    assert.equal(await a.tryAcquire('scheduler', 'A', MINUTE), true);
    assert.equal(await b.holderOf('scheduler'), 'A');
    assert.equal(await b.tryAcquire('scheduler', 'B', MINUTE), false);
    assert.equal(await a.tryAcquire('scheduler', 'A', MINUTE), true, 'the holder renews');
    assert.equal(await b.tryAcquire('other', 'B', MINUTE), true, 'leases are per name');
    await b.release('scheduler', 'B');
    assert.equal(await a.holderOf('scheduler'), 'A', 'releasing a lease one does not hold does nothing');
    await a.release('scheduler', 'A');
    assert.equal(await b.holderOf('scheduler'), null);
    assert.equal(await b.tryAcquire('scheduler', 'B', MINUTE), true);
    assert.equal(await a.tryAcquire('scheduler', 'A', MINUTE), false);
  });

  registryTest(suite, 'a lease its holder stops renewing expires on the registry clock and another takes it over', async ({ registry, another }) => {
    const a = registry.leases;
    const b = (await another()).leases;
    assert.equal(await a.tryAcquire('scheduler', 'A', 300), true);
    const took = await waitFor(
      'the lease to expire',
      20_000,
      async () => ((await b.tryAcquire('scheduler', 'B', MINUTE)) ? true : undefined),
      () => null,
      50,
    );
    assert.equal(took, true);
    assert.equal(await a.holderOf('scheduler'), 'B');
    assert.equal(await a.tryAcquire('scheduler', 'A', MINUTE), false, 'the old holder cannot renew what it lost');
  });

  registryTest(suite, 'the epoch: kept by renewals, new once the lease was released or another holder had it, null for a non-holder', async ({ registry, another }) => {
    const a = registry.leases;
    const b = (await another()).leases;
    assert.equal(await a.tryAcquire('runner:A', 'A', 200), true);
    const first = await a.epoch('runner:A', 'A');
    assert.equal(typeof first, 'number');
    assert.equal(await b.epoch('runner:A', 'B'), null, 'B does not hold it');
    assert.equal(await a.tryAcquire('runner:A', 'A', 200), true);
    assert.equal(await b.epoch('runner:A', 'A'), first, 'a renewal keeps the epoch');
    // Expired, then taken by B: A's epoch is gone, and A taking it back later starts another.
    await waitFor(
      'the lease to expire and B to take it',
      20_000,
      async () => ((await b.tryAcquire('runner:A', 'B', 100)) ? true : undefined),
      () => null,
      50,
    );
    assert.equal(await a.epoch('runner:A', 'A'), null, "the lease is B's now");
    const taken = await b.epoch('runner:A', 'B');
    assert.ok(taken !== null && first !== null && taken > first, `B's epoch ${taken} comes after A's ${first}`);
    await b.release('runner:A', 'B');
    assert.equal(await b.epoch('runner:A', 'B'), null, 'released');
    assert.equal(await a.tryAcquire('runner:A', 'A', MINUTE), true);
    const again = await a.epoch('runner:A', 'A');
    assert.ok(again !== null && again >= taken, `A's new epoch ${again} is not before B's ${taken}`);
    assert.notEqual(again, first);
  });

  registryTest(suite, 'live lists the holders of unexpired leases under a prefix', async ({ registry, another }) => {
    const b = (await another()).leases;
    assert.equal(await registry.leases.tryAcquire('runner:A', 'A', MINUTE), true);
    assert.equal(await b.tryAcquire('runner:B', 'B', MINUTE), true);
    assert.equal(await b.tryAcquire('runner:C', 'C', 200), true);
    assert.equal(await b.tryAcquire('scheduler', 'S', MINUTE), true);
    assert.deepEqual(await registry.leases.live('runner:'), ['A', 'B', 'C']);
    await waitFor(
      'C to expire',
      20_000,
      async () => ((await b.live('runner:')).length === 2 ? true : undefined),
      () => null,
      50,
    );
    assert.deepEqual(await registry.leases.live('runner:'), ['A', 'B']);
    await b.release('runner:B', 'B');
    assert.deepEqual(await registry.leases.live('runner:'), ['A']);
    assert.deepEqual(await registry.leases.live('sched'), ['S']);
  });

  registryTest(suite, 'processes racing for a free lease: exactly one gets it', async ({ registry, another }) => {
    const others = [registry, await another(), await another()];
    const results = await Promise.all(others.flatMap((r, i) => [r.leases.tryAcquire('race', `H${i}a`, MINUTE), r.leases.tryAcquire('race', `H${i}b`, MINUTE)]));
    assert.equal(results.filter(Boolean).length, 1);
    const holder = await registry.leases.holderOf('race');
    assert.equal(results.indexOf(true), ['H0a', 'H0b', 'H1a', 'H1b', 'H2a', 'H2b'].indexOf(holder!));
  });
}
