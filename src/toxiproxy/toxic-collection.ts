import { API_ERRORS } from './api-error.ts';
import type { Connection } from './connection.ts';
import type { Toxic } from './toxic.ts';
import { decodeToxicHeader, newToxic, updatedToxic } from './toxic-json.ts';
import type { Direction } from './toxics/toxic-type.ts';

/**
 * The toxics of one proxy: one chain per direction, in the order added. Every change is
 * applied to the live connections at once (they are registered here while open).
 */
export class ToxicCollection {
  private readonly chains: Record<Direction, Toxic[]> = { upstream: [], downstream: [] };
  private readonly connections = new Set<Connection>();

  /** Upstream toxics first, then downstream, each in the order added. */
  list(): Toxic[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  get(name: string): Toxic | undefined {
    return this.list().find((t) => t.name === name);
  }

  snapshot(): { upstream: readonly Toxic[]; downstream: readonly Toxic[] } {
    return { upstream: [...this.chains.upstream], downstream: [...this.chains.downstream] };
  }

  attach(connection: Connection): void {
    this.connections.add(connection);
  }

  detach(connection: Connection): void {
    this.connections.delete(connection);
  }

  /** POST /proxies/{p}/toxics. Throws ApiError in Toxiproxy's order of checks. */
  addFromJson(body: unknown): Toxic {
    const header = decodeToxicHeader(body);
    if (this.get(header.name)) throw API_ERRORS.toxicAlreadyExists;
    const toxic = newToxic(header);
    this.chains[toxic.direction].push(toxic);
    for (const connection of this.connections) connection.link(toxic.direction).addToxic(toxic);
    return toxic;
  }

  updateFromJson(name: string, body: unknown): Toxic {
    const current = this.get(name);
    if (!current) throw API_ERRORS.toxicNotFound;
    const toxic = updatedToxic(current, body);
    const chain = this.chains[toxic.direction];
    chain[chain.indexOf(current)] = toxic;
    for (const connection of this.connections) connection.link(toxic.direction).updateToxic(toxic);
    return toxic;
  }

  remove(name: string): void {
    const toxic = this.get(name);
    if (!toxic) throw API_ERRORS.toxicNotFound;
    this.removeToxic(toxic);
  }

  reset(): void {
    for (const toxic of this.list()) this.removeToxic(toxic);
  }

  private removeToxic(toxic: Toxic): void {
    const chain = this.chains[toxic.direction];
    chain.splice(chain.indexOf(toxic), 1);
    for (const connection of [...this.connections]) connection.link(toxic.direction).removeToxic(toxic.name);
  }
}
