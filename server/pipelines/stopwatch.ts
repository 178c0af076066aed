import type { RunStep } from '../domain/run.js';

/** Accumulates time per named step; a step timed several times (per batch) adds up. */
export class Stopwatch {
  private readonly totals = new Map<string, number>();

  time<T>(name: string, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.add(name, performance.now() - start);
    }
  }

  async timeAsync<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - start);
    }
  }

  /** Times how long each item of an async iterable takes to arrive. */
  async *iterate<T>(name: string, items: AsyncIterable<T>): AsyncGenerator<T> {
    const iterator = items[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.timeAsync(name, () => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  }

  steps(): RunStep[] {
    return [...this.totals].map(([name, ms]) => ({ name, ms: Math.round(ms * 10) / 10 }));
  }

  private add(name: string, ms: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + ms);
  }
}
