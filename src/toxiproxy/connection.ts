import type { Socket } from 'node:net';
import { Link } from './link.ts';
import type { Toxic } from './toxic.ts';

/**
 * One accepted client and its upstream socket, joined by two links (upstream: client →
 * server, downstream: server → client). The end of either direction closes the whole
 * connection (Toxiproxy does not half-close). If a reset_peer toxic was present when the
 * connection opened, every close is a TCP RST (Toxiproxy sets SO_LINGER 0 only then).
 */
export class Connection {
  readonly upstreamLink: Link;
  readonly downstreamLink: Link;
  private readonly resetOnClose: boolean;
  private openSockets = 2;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    toxics: { readonly upstream: readonly Toxic[]; readonly downstream: readonly Toxic[] },
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.resetOnClose = [...toxics.upstream, ...toxics.downstream].some((t) => t.type === 'reset_peer');
    const closeSocket = (socket: Socket): void => this.closeSocket(socket);
    this.upstreamLink = new Link('upstream', client, upstream, toxics.upstream, closeSocket);
    // The upstream socket reads into a reused buffer (see Proxy.accept and Link.receiveBorrowed).
    this.downstreamLink = new Link('downstream', upstream, client, toxics.downstream, closeSocket, 'borrowed-buffer');
    for (const socket of [client, upstream]) socket.once('close', this.onSocketClose);
    client.resume();
  }

  link(direction: 'upstream' | 'downstream'): Link {
    return direction === 'upstream' ? this.upstreamLink : this.downstreamLink;
  }

  /** Closes both sockets at once, as disabling or deleting the proxy does. */
  destroy(): void {
    this.upstreamLink.destroy();
    this.downstreamLink.destroy();
    for (const socket of [this.client, this.upstream]) this.abort(socket);
  }

  private closeSocket(socket: Socket): void {
    if (socket.destroyed) return;
    if (this.resetOnClose) socket.resetAndDestroy();
    else socket.destroySoon(); // flush what was written, then FIN and close the descriptor
  }

  private abort(socket: Socket): void {
    if (socket.destroyed) return;
    if (this.resetOnClose) socket.resetAndDestroy();
    else socket.destroy();
  }

  private readonly onSocketClose = (): void => {
    if (--this.openSockets > 0) return;
    this.upstreamLink.destroy();
    this.downstreamLink.destroy();
    this.onClosed(this);
  };
}
