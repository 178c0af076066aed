import type { CliIo } from './io.js';

/** What a long command has done so far. */
export interface ProgressState {
  /** What is being done: `materialize driver_hourly_stats`. */
  label: string;
  /** Units done (rows, bytes) and, when known, the total. */
  done: number;
  total?: number;
  /** `rows`, `bytes`... */
  unit: string;
  /** A word about the state (`queued`, `running`, `writing`). */
  phase?: string;
}

/** One progress line: label, count, percent and ETA when the total is known, elapsed time. Pure, for tests. */
export function formatProgress(state: ProgressState, elapsedMs: number): string {
  const parts = [state.label];
  if (state.phase) parts.push(state.phase);
  const count = state.unit === 'bytes' ? formatBytes(state.done) : `${state.done.toLocaleString('en-US')} ${state.unit}`;
  if (state.total !== undefined && state.total > 0) {
    const fraction = Math.min(1, state.done / state.total);
    const ofTotal =
      state.unit === 'bytes' ? `${formatBytes(state.done)} of ${formatBytes(state.total)}` : `${state.done.toLocaleString('en-US')} of ${state.total.toLocaleString('en-US')} ${state.unit}`;
    parts.push(`${ofTotal} (${(fraction * 100).toFixed(1)}%)`);
    parts.push(`elapsed ${formatSeconds(elapsedMs)}`);
    // An ETA from the rate so far, once there is a rate to speak of.
    if (fraction > 0 && fraction < 1 && elapsedMs >= 500) parts.push(`ETA ${formatSeconds((elapsedMs / fraction) * (1 - fraction))}`);
  } else {
    if (state.done > 0) parts.push(count);
    parts.push(`elapsed ${formatSeconds(elapsedMs)}`);
  }
  return parts.join(' · ');
}

export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${Math.max(0, ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export interface Progress {
  update(state: Partial<ProgressState>): void;
  /** Clears the line (the command then prints its result). */
  done(): void;
}

/**
 * A progress line on stderr, redrawn in place at most every `intervalMs`, only when stderr is a
 * terminal: piped output gets nothing extra. `now` is injectable for tests.
 */
export function startProgress(io: CliIo, initial: ProgressState, options: { now?: () => number; intervalMs?: number } = {}): Progress {
  if (!io.stderrIsTty) return { update: () => {}, done: () => {} };
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? 200;
  const started = now();
  let state = initial;
  let drawn = 0;
  let shown = false;
  const width = Math.max(20, (io.columns ?? 80) - 1);
  const draw = () => {
    const line = formatProgress(state, now() - started);
    io.stderr(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    drawn = now();
    shown = true;
  };
  // Redrawn on a timer too, so elapsed time moves while nothing else does.
  const timer = setInterval(draw, Math.max(interval, 250));
  timer.unref();
  draw();
  return {
    update(next) {
      state = { ...state, ...next };
      if (!shown && drawn > 0) return;
      if (now() - drawn >= interval) draw();
    },
    done() {
      clearInterval(timer);
      if (shown) io.stderr('\r\x1b[2K');
      shown = false;
    },
  };
}
