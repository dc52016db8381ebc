/**
 * A small system under test on loopback, plus helpers to write experiments and run the real
 * CLI (`node bin/rebound.mjs`) as a child process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToxiproxyClient } from '../../src/faults/toxiproxy-client.ts';
import { freeLoopbackPort as freePort } from '../../src/util/loopback-port.ts';
import { startToxiproxy, type ToxiproxyServer } from '../../src/toxiproxy/index.ts';
// @ts-expect-error plain .mjs test app without types
import { startBackend } from '../runner/apps/backend.mjs';
// @ts-expect-error plain .mjs test app without types
import { startFrontend } from '../runner/apps/frontend.mjs';

export { BIN, REPO, runCli, waitForOutput, type CliRun } from '../helpers/cli.ts';

interface Closable {
  port: number;
  url?: string;
  close(): Promise<void>;
}

export { freePort };

/** primary + secondary backends; a failover frontend and a fragile one, both calling the primary through `proxyPort`. */
export interface ShopSystem {
  readonly primaryPort: number;
  readonly proxyPort: number;
  readonly failoverUrl: string;
  readonly fragileUrl: string;
  close(): Promise<void>;
}

export async function startSystem(): Promise<ShopSystem> {
  const closables: Closable[] = [];
  try {
    const primary: Closable = await startBackend({ name: 'primary' });
    closables.push(primary);
    const secondary: Closable = await startBackend({ name: 'secondary' });
    closables.push(secondary);
    const proxyPort = await freePort();
    const viaProxy = `http://127.0.0.1:${proxyPort}/`;
    const failover: Closable = await startFrontend({ primary: viaProxy, secondary: `http://127.0.0.1:${secondary.port}/` });
    closables.push(failover);
    const fragile: Closable = await startFrontend({ primary: viaProxy });
    closables.push(fragile);
    return {
      primaryPort: primary.port,
      proxyPort,
      failoverUrl: failover.url!,
      fragileUrl: fragile.url!,
      close: async () => {
        for (const closable of closables.reverse()) await closable.close();
      },
    };
  } catch (error) {
    for (const closable of closables.reverse()) await closable.close();
    throw error;
  }
}

export interface ExperimentOptions {
  readonly name: string;
  readonly endpoint: string;
  readonly toxiproxy: string;
  readonly primaryPort: number;
  readonly proxyPort: number;
  /** YAML for the outage phase's faults list. */
  readonly faults?: string;
  readonly outage?: string;
  readonly checks?: string;
  readonly guardrails?: string;
  readonly rate?: string;
  readonly timeout?: string;
}

/** Experiment YAML: baseline 1 s, outage (2 s default) with the proxy down, recovery 1 s. */
export function experimentYaml(o: ExperimentOptions): string {
  return `apiVersion: rebound.dev/v1
kind: Experiment
metadata: { name: ${o.name} }
target:
  toxiproxy:
    ${o.toxiproxy}
    proxies:
      - { name: primary, listen: 127.0.0.1:${o.proxyPort}, upstream: 127.0.0.1:${o.primaryPort} }
  endpoints:
    app: ${o.endpoint}
load:
  rate: ${o.rate ?? '40/s'}
  timeout: ${o.timeout ?? '3s'}
  requests: [ { url: "{{endpoints.app}}/" } ]
  servedBy: x-served-by
phases:
  - { name: baseline, duration: 1s }
  - name: outage
    duration: ${o.outage ?? '2s'}
    faults: ${o.faults ?? '[ { toxiproxy: { proxy: primary, down: true } } ]'}
  - { name: recovery, duration: 1s }
checks:
${o.checks ?? '  - { name: outage keeps working, successRatio: { phase: outage, min: 0.95 } }'}
${o.guardrails ? `guardrails: ${o.guardrails}` : ''}
report: { formats: [json, junit] }
`;
}

/**
 * The shop behind an external Toxiproxy that holds the proxy `primary` (its listen is the shop's
 * proxyPort). The proxy belongs to the test, not to a run: it stays, so its state after a run shows
 * the revert.
 */
export async function startSystemBehindToxiproxy(): Promise<{ system: ShopSystem; toxiproxy: ToxiproxyServer; client: ToxiproxyClient }> {
  const system = await startSystem();
  const toxiproxy = await startToxiproxy({ port: 0 }).catch(async (error: unknown) => {
    await system.close();
    throw error;
  });
  const client = new ToxiproxyClient(toxiproxy.url);
  await client.createProxy({ name: 'primary', listen: `127.0.0.1:${system.proxyPort}`, upstream: `127.0.0.1:${system.primaryPort}` });
  return { system, toxiproxy, client };
}

export interface ToxiproxyFixture {
  readonly dir: TempDir;
  readonly system: ShopSystem;
  readonly toxiproxy: ToxiproxyServer;
  readonly client: ToxiproxyClient;
}

/**
 * Registers, in the current describe, a `before` that makes a temp directory and starts the shop
 * behind an external Toxiproxy (handed to `take`), and an `after` that closes them all
 * (REBOUND_TEST_KEEP keeps the directory and prints it).
 */
export function useSystemBehindToxiproxy(take: (fixture: ToxiproxyFixture) => void): void {
  let fixture: Partial<ToxiproxyFixture> = {};
  before(async () => {
    fixture = { dir: await TempDir.create() };
    fixture = { ...fixture, ...(await startSystemBehindToxiproxy()) };
    take(fixture as ToxiproxyFixture);
  });
  after(async () => {
    await fixture.toxiproxy?.close();
    await fixture.system?.close();
    if (process.env.REBOUND_TEST_KEEP) console.log('kept', fixture.dir?.path);
    else await fixture.dir?.remove();
  });
}

export class TempDir {
  private constructor(readonly path: string) {}
  static async create(): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), 'rebound-cli-')));
  }
  async write(name: string, text: string): Promise<string> {
    const file = join(this.path, name);
    await writeFile(file, text);
    return file;
  }
  join(name: string): string {
    return join(this.path, name);
  }
  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}
