import * as http from 'http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
}

/** An HTTP request that returns exactly what a client sees: status, headers, raw body bytes. */
export function request(url: string, options: RequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body && !options.chunked) headers['content-length'] = String(body.length);
    let responded = false;
    const req = http.request(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      responded = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text: buf.toString('utf8') });
      });
      res.on('error', reject);
    });
    // A server may answer (413, 401…) before the whole body is sent and then close: what the
    // client sees is the answer, so a write error after it is not the request's outcome.
    req.on('error', (err) => {
      if (!responded) reject(err);
    });
    if (body) req.write(body);
    req.end();
  });
}

/** Basic auth header value for user:password. */
export function basicAuth(user: string, password = ''): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** A client bound to a base URL, authenticating as root by default, as the seed's curl examples do. */
export class CnosClient {
  constructor(
    readonly baseUrl: string,
    private readonly auth = basicAuth('root', ''),
  ) {}

  write(lines: string, params = 'db=public', headers: Record<string, string> = {}): Promise<RawResponse> {
    return request(`${this.baseUrl}/api/v1/write?${params}`, { method: 'POST', headers: { authorization: this.auth, ...headers }, body: lines });
  }

  sql(sql: string, params = 'db=public', headers: Record<string, string> = {}): Promise<RawResponse> {
    return request(`${this.baseUrl}/api/v1/sql?${params}`, { method: 'POST', headers: { authorization: this.auth, ...headers }, body: sql });
  }
}
