import * as net from 'net';
import { ClickHouseService } from './clickhouse.service';

/**
 * A stand-in HTTP server that answers each connection's first request and keeps the
 * connection alive, then closes it without a word when a second request arrives on it: what
 * ClickHouse does when a kept-alive connection reaches its keep_alive_timeout just as a
 * client reuses it.
 */
async function flakyKeepAliveServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let answered = false;
    let buffered = '';
    socket.on('data', (data) => {
      buffered += data.toString();
      if (!buffered.includes('\r\n\r\n') || !buffered.includes('FORMAT TabSeparated')) return;
      buffered = '';
      requests++;
      if (answered) return void socket.destroy();
      answered = true;
      const body = `${requests}\n`;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/tab-separated-values\r\nContent-Length: ${body.length}\r\nConnection: Keep-Alive\r\n\r\n${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function text(ch: ClickHouseService, sql: string): Promise<string> {
  let out = '';
  for await (const chunk of ch.tsv(sql)) out += chunk;
  return out;
}

describe('ClickHouseService.tsv', () => {
  it('sends a query again on a new connection when the kept-alive one was closed under it', async () => {
    const server = await flakyKeepAliveServer();
    const ch = new ClickHouseService({ url: server.url, user: 'default', password: '', requestTimeoutMs: 5_000 });
    try {
      expect(await text(ch, 'SELECT 1')).toBe('1\n');
      // Reuses the first connection, which the server drops: answered on a second one.
      expect(await text(ch, 'SELECT 2')).toBe('3\n');
      expect(server.requests()).toBe(3);
    } finally {
      await ch.close();
      await server.close();
    }
  });
});
