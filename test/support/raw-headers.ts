import http from 'node:http';

export interface RawAnswer {
  status: number;
  type: string;
  headers: http.IncomingHttpHeaders;
  text: string;
  // Problem documents and answers: tests assert on their structure field by field.
  body: { detail?: string; errors?: { path: string; message: string }[] };
}

/**
 * A request with its headers exactly as given, a flat list as rawHeaders (a header repeated stays
 * repeated: fetch and a header object would join or drop the copies). Node adds neither Host nor
 * Content-Length to such a list: they are added here.
 */
export function sendRawHeaders(base: string, method: string, path: string, headers: string[], body = ''): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const all = ['host', url.host, 'content-length', String(Buffer.byteLength(body)), ...headers];
    const req = http.request(url, { method, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const type = String(res.headers['content-type']);
        resolve({ status: res.statusCode!, type, headers: res.headers, text, body: type.includes('json') && text !== '' ? JSON.parse(text) : {} });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
