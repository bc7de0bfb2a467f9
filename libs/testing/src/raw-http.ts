import { connect } from 'node:net';

/** What came back over a bare connection, and when the server closed it. */
export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
  /** How long after connecting the server closed the connection; undefined if it was still open at `waitMs`. */
  closedAfterMs?: number;
}

/**
 * Sends `chunks` over a bare TCP connection, `gapMs` apart, and reads until the server closes the connection
 * or `waitMs` pass: for what no HTTP client sends (a NUL in a header, a request a byte at a time).
 */
export function rawExchange(url: string, chunks: readonly (string | Buffer)[], { gapMs = 0, waitMs = 5_000 } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const started = Date.now();
    let next = 0;
    const send = () => {
      const chunk = chunks[next++];
      if (socket.destroyed || chunk === undefined) return;
      socket.write(chunk);
      setTimeout(send, gapMs);
    };
    const finish = (closedAfterMs?: number) => {
      clearTimeout(timer);
      socket.destroy();
      const [head = '', ...body] = Buffer.concat(received).toString('utf8').split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: body.join('\r\n\r\n'),
        ...(closedAfterMs === undefined ? {} : { closedAfterMs }),
      });
    };
    const timer = setTimeout(() => finish(), waitMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('close', () => finish(Date.now() - started));
    socket.on('error', () => undefined);
    send();
  });
}
