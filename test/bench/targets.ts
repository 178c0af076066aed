/**
 * Every performance target of issues 3-5 and 12, and the figure that measures it (by scenario and name),
 * so BENCHMARKS.md lists each one even when its scenario failed or was not run.
 */
export interface IssueTarget {
  issue: number;
  scenario: string;
  text: string;
  figure: RegExp;
}

export const ISSUE_TARGETS: IssueTarget[] = [
  { issue: 3, scenario: 'pipeline', text: 'CSV 1M rows x 10 columns, impute + scale + one-hot, to Parquet: >= 300,000 rows/s end to end', figure: /^pipeline [^(]* rows to Parquet: rows\/s$/ },
  { issue: 3, scenario: 'pipeline', text: 'the same, peak RSS under 1 GB', figure: /^pipeline [^(]* rows to Parquet: peak RSS$/ },
  { issue: 3, scenario: 'pipeline', text: 'a 10M-row source in bounded memory: peak RSS under 1.5 GB', figure: /bounded memory\): peak RSS$/ },
  { issue: 4, scenario: 'online-sdk', text: 'in-process SDK, single-key reads of 10 features: >= 80% of a bare better-sqlite3 prepared statement (sync API)', figure: /: sync SDK \/ bare statement$/ },
  { issue: 4, scenario: 'online-sdk', text: 'the same, Promise API', figure: /: Promise SDK \/ bare statement$/ },
  { issue: 4, scenario: 'online-http', text: 'HTTP, 1 entity x 50 features, load from a second process: p99 <= 2 ms at 1,000 req/s', figure: /^HTTP 1 entity x 50 features: p99 at 1,000 req\/s$/ },
  {
    issue: 4,
    scenario: 'online-http',
    text: 'HTTP, 1 entity x 50 features: maximum throughput >= 90% of a minimal express handler',
    figure: /^HTTP 1 entity x 50 features: max throughput, Tessera \/ minimal express$/,
  },
  { issue: 4, scenario: 'online-under-load', text: 'p99 at 1,000 req/s under 5 ms while a 1M-row materialization runs', figure: /materialization: p99 at 1,000 req\/s$/ },
  { issue: 5, scenario: 'training', text: '1M entity rows x 3 views of 5M rows to Parquet: at most 1.3x a bare DuckDB ASOF JOIN', figure: /: Tessera \/ bare ASOF$/ },
  { issue: 5, scenario: 'training', text: 'the same, peak RSS under 2 GB', figure: /: peak RSS, Tessera to Parquet$/ },
  {
    issue: 12,
    scenario: 'pipeline',
    text: 'CSV 1M rows x 10 columns (issue 12 shape), events over 3 days, to Parquet and the online store: >= 0.35x the rows/s of DuckDB COPY of the same file',
    figure: /events over 3 days, to Parquet and the online store: Tessera \/ DuckDB COPY$/,
  },
  { issue: 12, scenario: 'pipeline', text: 'the same, events over 4 years', figure: /events over 4 years, to Parquet and the online store: Tessera \/ DuckDB COPY$/ },
  { issue: 12, scenario: 'pipeline', text: 'files per snapshot at most ceil(N / 1M) + 1, events over 3 days', figure: /events over 3 days, to Parquet and the online store: files per snapshot$/ },
  { issue: 12, scenario: 'pipeline', text: 'the same, events over 4 years', figure: /events over 4 years, to Parquet and the online store: files per snapshot$/ },
  {
    issue: 12,
    scenario: 'offline-layout',
    text: 'after 1,000 incremental runs of 1,000 rows, compacted: point-in-time read of 100k entity rows within 1.2x of the same rows committed by one run',
    figure: /: compacted \/ one run$/,
  },
  { issue: 12, scenario: 'offline-layout', text: 'a view with a created timestamp: point-in-time read within 1.3x of a bare ASOF JOIN', figure: /with a created timestamp: Tessera \/ bare ASOF$/ },
  {
    issue: 13,
    scenario: 'push-offline',
    text: 'after 10,000 single-row offline pushes to one view, compacted: point-in-time retrieval within 1.3x of the same rows materialized in one run',
    figure: /offline pushes: compacted \/ one run$/,
  },
  {
    issue: 17,
    scenario: 'prediction-log',
    text: "single-prediction POSTs at 8 connections: >= 0.8x the same server's GET /health",
    figure: /^prediction log: single-prediction POST \/ GET \/health throughput$/,
  },
  { issue: 17, scenario: 'prediction-log', text: 'batches of 100 at 8 connections: >= 100,000 predictions/s', figure: /^prediction log: predictions\/s in batches of 100$/ },
  {
    issue: 17,
    scenario: 'prediction-log',
    text: 'after 10M predictions of one model: GET ?limit=10 under 100 ms (measured at the size the figure names)',
    figure: /^prediction log: GET \?limit=10 after /,
  },
  { issue: 17, scenario: 'prediction-log', text: 'the same, a time-range read under 100 ms', figure: /^prediction log: time-range read / },
  { issue: 17, scenario: 'prediction-log', text: 'files for 10M rows after compaction: under 50', figure: /^prediction log: files after compaction / },
];

/** The published figures the issues name, and which of our figures stand beside each. */
export interface Anchor {
  text: string;
  figures: RegExp[];
}

export const ANCHORS: Anchor[] = [
  { text: 'Feast Go feature server: p99 1.78 ms at 1 row x 50 features', figures: [/^HTTP 1 entity x 50 features: p99 at 1,000 req\/s$/] },
  {
    text: 'Feast tuned Python feature server: 718 req/s per pod, p99 4.61 ms',
    figures: [/^HTTP 1 entity x 50 features: max throughput, Tessera$/, /^HTTP 1 entity x 50 features: max throughput, Tessera --workers 2$/, /^HTTP 1 entity x 50 features: p99 at 1,000 req\/s$/],
  },
  { text: 'Hopsworks: ~960,000 rows/s point-in-time read (10M rows)', figures: [/: Tessera to Parquet rows\/s$/] },
];
