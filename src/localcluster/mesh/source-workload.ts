/**
 * Which local pod opened a loopback connection to a Service listener, so that the mesh can label
 * its metrics with `source_workload`, `source_app`, … as a client sidecar would.
 *
 * On Linux the kernel knows: /proc/net/tcp{,6} maps the connection's client end (remote port of
 * the accepted socket → local port there) to a socket inode, and /proc/PID/fd of the pod's
 * container process holds `socket:[inode]`. Connections from outside the plane's pods (Rebound's
 * load, curl) stay `unknown`, as Istio reports a client without a sidecar. Elsewhere every source
 * is `unknown`.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { KubeObject } from '../api/kube-object.ts';
import type { ObjectStore } from '../api/object-store.ts';
import { workloadOf, type Workload } from './upstream-cluster.ts';

/** What the kernel said at one moment: client ends of TCP connections, and the pods' sockets. */
interface Snapshot {
  readonly startedAt: number;
  /** `clientPort:serverPort` → the client end's socket inode. */
  readonly clientEnds: ReadonlyMap<string, string>;
  readonly owners: ReadonlyMap<string, KubeObject>;
}

export class SourceWorkloads {
  private snapshot: Snapshot = { startedAt: -Infinity, clientEnds: new Map(), owners: new Map() };
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** The workload of the local pod at the other end of an accepted socket, if it is one. */
  async of(socket: Socket): Promise<Workload | undefined> {
    if (this.platform !== 'linux' || socket.remotePort === undefined || socket.localPort === undefined) return undefined;
    const snapshot = await this.snapshotAfter(performance.now());
    const inode = snapshot.clientEnds.get(`${socket.remotePort}:${socket.localPort}`);
    const pod = inode === undefined ? undefined : snapshot.owners.get(inode);
    return pod ? workloadOf(pod) : undefined;
  }

  /**
   * A snapshot begun after `time` (one begun before cannot know a newer connection). Snapshots
   * are shared and at least MIN_READ_INTERVAL_MS apart, so clients that open a connection per
   * request cost a bounded number of reads per second (the TCP table can be large), not one each.
   */
  private async snapshotAfter(time: number): Promise<Snapshot> {
    while (this.snapshot.startedAt < time) {
      this.reading ??= (async () => {
        const wait = this.snapshot.startedAt + MIN_READ_INTERVAL_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const startedAt = performance.now();
        const [clientEnds, owners] = await Promise.all([readClientEnds(), readOwners(this.store)]);
        this.snapshot = { startedAt, clientEnds, owners };
      })().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.snapshot;
  }
}

const MIN_READ_INTERVAL_MS = 50;

async function readOwners(store: ObjectStore): Promise<Map<string, KubeObject>> {
  const owners = new Map<string, KubeObject>();
  const socketsOf = async (pid: number): Promise<string[]> => {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]); // exited meanwhile: none
    const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    return links.filter((link) => link.startsWith('socket:[')).map((link) => link.slice(8, -1));
  };
  await Promise.all(
    store.list('pods').flatMap((pod) =>
      containerPids(pod).map(async (pid) => {
        for (const inode of await socketsOf(pid)) owners.set(inode, pod);
      }),
    ),
  );
  return owners;
}

/** The local plane's kubelet reports each running container as `rebound://PID`. */
function containerPids(pod: KubeObject): number[] {
  const statuses = (pod.status as { containerStatuses?: { containerID?: string }[] } | undefined)?.containerStatuses ?? [];
  return statuses.map((s) => /^rebound:\/\/(\d+)$/.exec(s.containerID ?? '')?.[1]).filter((pid): pid is string => pid !== undefined).map(Number);
}

/** Both TCP tables, as `localPort:remotePort` → socket inode (a client end is keyed by its own port first). */
async function readClientEnds(): Promise<Map<string, string>> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => '')));
  const ends = new Map<string, string>();
  for (const table of tables) parseTcpTable(table, ends);
  return ends;
}

/** Lines of /proc/net/tcp{,6}: `sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …`. */
export function parseTcpTable(text: string, into = new Map<string, string>()): Map<string, string> {
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length <= 9 || fields[9] === '0' || !fields[1]!.includes(':')) continue;
    const local = parseInt(fields[1]!.slice(fields[1]!.lastIndexOf(':') + 1), 16);
    const remote = parseInt(fields[2]!.slice(fields[2]!.lastIndexOf(':') + 1), 16);
    if (Number.isFinite(local) && Number.isFinite(remote)) into.set(`${local}:${remote}`, fields[9]!);
  }
  return into;
}

/** The inode of the client end of a TCP connection: local port `clientPort`, remote port `serverPort`. */
export async function clientSocketInode(clientPort: number, serverPort: number): Promise<string | undefined> {
  return (await readClientEnds()).get(`${clientPort}:${serverPort}`);
}


/** A sample waits at most this long for its connection's source before it is counted `unknown`. */
const SOURCE_LOOKUP_LIMIT_MS = 1000;

/** One connection's source lookup: requests go on at once; their metrics are recorded once it settled. */
export class SourceLookup {
  private done = false;
  private value: Workload | undefined;
  private readonly lookup: Promise<void>;

  constructor(lookup: Promise<Workload | undefined>) {
    this.lookup = lookup.then(
      (workload) => void ((this.done = true), (this.value = workload)),
      () => void (this.done = true),
    );
  }

  get settled(): boolean {
    return this.done;
  }

  /** The workload, once the lookup found one. */
  get known(): Workload | undefined {
    return this.value;
  }

  /** Resolves when the lookup is done, or after SOURCE_LOOKUP_LIMIT_MS. */
  wait(): Promise<void> {
    if (this.done) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, SOURCE_LOOKUP_LIMIT_MS)));
    return Promise.race([this.lookup, limit]).finally(() => clearTimeout(timer));
  }
}
