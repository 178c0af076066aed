/** Formats a retrieval answers in, with their media types and file extensions. */
export type ResultFormat = 'json' | 'csv' | 'arrow' | 'arrow_file' | 'parquet';

export const MEDIA_TYPES: Record<ResultFormat, string> = {
  json: 'application/json',
  csv: 'text/csv',
  arrow: 'application/vnd.apache.arrow.stream',
  // Arrow's random-access file format (a footer indexes the batches): what `pyarrow.ipc.open_file` reads.
  arrow_file: 'application/vnd.apache.arrow.file',
  parquet: 'application/vnd.apache.parquet',
};

/** Other names of a format's media type, accepted in `Accept` as uploads accept them; answered as the registered type. */
export const MEDIA_TYPE_ALIASES: [ResultFormat, string][] = [['parquet', 'application/x-parquet']];

/** `Content-Type` of an answer. */
export function contentType(format: ResultFormat): string {
  return format === 'csv' ? 'text/csv; charset=utf-8' : MEDIA_TYPES[format];
}

/** The format of an output file, from its extension; null when Tessera does not write it. */
export function resultFormatOfPath(file: string): ResultFormat | null {
  const ext = file.toLowerCase().split('.').pop() ?? '';
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  // Arrow's own names: `.arrow` is the IPC file format (a footer; pyarrow.ipc.open_file, Feather), `.arrows` the stream.
  if (ext === 'arrow') return 'arrow_file';
  if (ext === 'arrows' || ext === 'ipc') return 'arrow';
  return null;
}
