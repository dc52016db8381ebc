import { readdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A TCP server on an ephemeral loopback port that tracks (and on close, destroys) its sockets. */
export interface TcpServer {
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

export async function startTcpServer(onConnection: (socket: Socket) => void): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echoes every byte back. */
export const startEchoServer = (): Promise<TcpServer> => startTcpServer((socket) => socket.pipe(socket));

export function listenPort(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

export function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Everything a socket receives until it closes, with when it ended and how. */
export interface Received {
  readonly data: Buffer;
  readonly chunks: number;
  /** ms from the call until 'close'. */
  readonly closedAfter: number;
  /** ms from the call until the first byte (undefined if none). */
  readonly firstByteAfter: number | undefined;
  readonly error: NodeJS.ErrnoException | undefined;
}

export function receiveUntilClose(socket: Socket, timeoutMs = 5000): Promise<Received> {
  const start = performance.now();
  const chunks: Buffer[] = [];
  let firstByteAfter: number | undefined;
  let error: NodeJS.ErrnoException | undefined;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after ${timeoutMs} ms (received ${Buffer.concat(chunks).length} bytes)`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      firstByteAfter ??= performance.now() - start;
      chunks.push(chunk);
    });
    socket.on('error', (e) => (error = e));
    socket.on('end', () => socket.end());
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ data: Buffer.concat(chunks), chunks: chunks.length, closedAfter: performance.now() - start, firstByteAfter, error });
    });
  });
}

/** Writes `message` and resolves with the ms until as many bytes came back. */
export function roundTrip(socket: Socket, message = 'ping', timeoutMs = 3000): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    let received = 0;
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received >= Buffer.byteLength(message)) {
        cleanup();
        resolve(performance.now() - start);
      }
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('socket closed during round trip'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no echo within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(message);
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Raw HTTP, for what toxiproxy-node-client hides (it keeps only the status code). */
export async function http(
  base: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; contentType: string | null; json: () => unknown }> {
  const response = await fetch(base + path, { method, body, headers });
  const text = await response.text();
  return { status: response.status, text, contentType: response.headers.get('content-type'), json: () => JSON.parse(text) };
}

export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
