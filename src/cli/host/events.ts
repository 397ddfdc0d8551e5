/** Push events to every connected page as server-sent events (`event: NAME`, `data: JSON`). */
import type { ServerResponse } from 'node:http';
import type { PushEvent, PushPayload } from '../../shared/ipc/contract';

/** Fans push events out to the open event streams. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor(keepAliveMs = 15_000) {
    // A comment line now and then keeps proxies and idle timers from closing the stream.
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), keepAliveMs);
    this.keepAlive.unref();
  }

  /** Adopts a response as an event stream until the client goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** Sends one event to every client. */
  emit<E extends PushEvent>(event: E, payload: PushPayload<E>): void {
    this.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** Number of connected clients. */
  get size(): number {
    return this.clients.size;
  }

  private write(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.keepAlive);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
