/** `tessera describe` for people: the API's JSON shapes, summarised in words. */

type Json = Record<string, unknown>;

const num = (v: number) => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString());

function list(values: unknown[], max = 6): string {
  const shown = values.slice(0, max).map((v) => (typeof v === 'number' ? num(v) : String(v)));
  return values.length > max ? `${shown.join(', ')} (+${values.length - max} more)` : shown.join(', ');
}

/** A transform step as written: `impute median`, `scale standard`, `encode onehot`. */
function stepName(step: Json): string {
  const [kind, spec] = Object.entries(step)[0] ?? ['?', {}];
  const s = (spec ?? {}) as Json;
  const how = s.strategy ?? s.method ?? '';
  const extra = Object.entries(s)
    .filter(([k]) => k !== 'strategy' && k !== 'method')
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `${kind} ${String(how)}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** A step's fitted state in words: `value 0.4871`, `mean 0.5, std 0.29`, `3 categories: a, b, c`. */
export function stateInWords(state: unknown): string {
  if (state === null || typeof state !== 'object') return 'nothing to fit';
  const entries = Object.entries(state as Json).filter(([k]) => k !== 'suffixes' && k !== 'index' && k !== 'dictionary');
  if (entries.length === 0) return 'nothing to fit';
  return entries
    .map(([k, v]) => {
      if (Array.isArray(v)) return k === 'categories' ? `${v.length} categories: ${list(v)}` : `${k}: ${list(v)}`;
      return `${k} ${typeof v === 'number' ? num(v) : JSON.stringify(v)}`;
    })
    .join(', ');
}

function section(title: string, lines: string[]): string[] {
  return lines.length ? ['', `${title}:`, ...lines.map((l) => `  ${l}`)] : [];
}

function header(kind: string, o: Json): string[] {
  const lines = [`${kind} ${String(o.name)}`];
  if (o.description) lines.push(`  ${String(o.description)}`);
  return lines;
}

function tags(o: Json): string[] {
  const t = (o.tags ?? {}) as Record<string, string>;
  return Object.keys(t).length
    ? [
        `tags: ${Object.entries(t)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      ]
    : [];
}

export function describeEntity(o: Json): string {
  const keys = (o.joinKeys as { name: string; type: string }[]).map((k) => `${k.name} (${k.type})`).join(', ');
  return lines([...header('entity', o), '', `join keys: ${keys}`, ...tags(o), `created ${String(o.createdAt)}, updated ${String(o.updatedAt)}`]);
}

export function describeSource(o: Json): string {
  const where = o.path ?? o.url ?? (o.database ? `${String(o.database)}: ${String(o.query)}` : '');
  const out = [...header('source', o), '', `type: ${String(o.type)}`, `reads: ${String(where)}`, `event time: ${String(o.timestampField)}`];
  if (o.createdTimestampField) out.push(`created time: ${String(o.createdTimestampField)} (breaks ties)`);
  if (o.fieldMapping)
    out.push(
      `renames: ${Object.entries(o.fieldMapping as Json)
        .map(([a, b]) => `${a} -> ${String(b)}`)
        .join(', ')}`,
    );
  out.push(...tags(o), `created ${String(o.createdAt)}, updated ${String(o.updatedAt)}`);
  return lines(out);
}

export function describeService(o: Json): string {
  return lines([...header('feature service', o), ...section('features', (o.features as string[]).map(String)), '', ...tags(o), `created ${String(o.createdAt)}, updated ${String(o.updatedAt)}`]);
}

/** A feature view: its definition, versions (fitted or not), the latest version's fitted state and snapshots, its last runs. */
export function describeFeatureView(o: Json, latest: Json, runs: Json[]): string {
  const out = header('feature view', o);
  const schedule = o.schedule ? `${String(o.schedule)}${o.timezone ? ` (${String(o.timezone)})` : ''}` : 'none (materialize by hand)';
  out.push(
    '',
    `entities: ${(o.entities as string[]).join(', ')} (join keys: ${(o.joinKeys as { name: string }[]).map((k) => k.name).join(', ')})`,
    `source: ${String(o.source)}`,
    `ttl: ${o.ttl ? String(o.ttlText) : 'none (values never expire)'}`,
    `online: ${o.online === false ? 'no' : 'yes'}`,
    `schedule: ${schedule}`,
    ...tags(o),
  );
  const features = (o.features as Json[]).map((f) => {
    const steps = ((f.transforms ?? []) as Json[]).map(stepName);
    const from = f.from && f.from !== f.name ? ` from ${String(f.from)}` : '';
    return `${String(f.name)} (${String(f.type)})${from}${steps.length ? `: ${steps.join(' -> ')}` : ''}`;
  });
  out.push(...section('features', features));
  const versions = (o.versions as Json[]).map((v) => {
    const fitted = v.fitted ? `fitted on ${String(v.fitRows)} rows at ${String(v.fittedAt)}` : 'not fitted yet (its first run fits it)';
    // Null until fitted when a transform's columns come from its fit (one-hot's categories).
    const columns = Array.isArray(v.outputSchema) ? `${v.outputSchema.length} output columns` : 'output columns known once fitted';
    return `v${String(v.version)}  created ${String(v.createdAt)} by ${String(v.reason)}; ${fitted}; ${columns}`;
  });
  out.push(...section('versions', versions));

  const state = latest.fittedState as { rows: number; from: string | number | null; to: string | number | null; features: Record<string, unknown[]> } | null;
  const definition = latest.definition as { features: Json[] };
  if (state) {
    const fitted = definition.features.flatMap((f) => {
      const steps = (f.transforms ?? []) as Json[];
      return steps.map((step, i) => `${String(f.name)}: ${stepName(step)}: ${stateInWords(state.features[String(f.name)]?.[i])}`);
    });
    out.push(...section(`fitted state of v${String(latest.version)} (${state.rows} rows)`, fitted.length ? fitted : ['no transforms']));
  } else out.push('', `fitted state of v${String(latest.version)}: none yet; the version's first run with rows fits it`);

  const snapshots = (latest.snapshots as Json[] | undefined) ?? [];
  const shown = snapshots.slice(-5).map((s) => {
    const ev = s.eventTime as { min: string | null; max: string | null };
    return `#${String(s.id)}  ${String(s.rows)} rows  events ${ev.min ?? '-'} .. ${ev.max ?? '-'}  committed ${String(s.committedAt)} (run ${String(s.runId)})`;
  });
  if (snapshots.length > shown.length) shown.unshift(`(${snapshots.length - shown.length} older not shown)`);
  out.push(...section(`snapshots of v${String(latest.version)}`, shown.length ? shown : ['none yet']));

  const lastRuns = runs.map((r) => {
    const rows = r.status === 'succeeded' || r.status === 'failed' ? `; rows in ${String(r.rowsIn)}, out ${String(r.rowsOut)}, rejected ${String(r.rowsRejected)}` : '';
    const error = r.error ? ` (${String(r.reason)}: ${String(r.error)})` : '';
    return `run ${String(r.id)}  v${String(r.version)}  ${String(r.status)}${error}  ${String(r.trigger)}  created ${String(r.createdAt)}${rows}`;
  });
  out.push(...section('last runs', lastRuns.length ? lastRuns : ['none yet']));
  return lines(out);
}

function lines(l: string[]): string {
  return `${l.join('\n')}\n`;
}
