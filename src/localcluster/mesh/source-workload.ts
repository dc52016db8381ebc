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

/** The pod processes' socket inodes, read again when a connection is newer than the last read. */
interface OwnerIndex {
  readonly startedAt: number;
  readonly owners: ReadonlyMap<string, KubeObject>;
}

export class SourceWorkloads {
  private index: OwnerIndex = { startedAt: -Infinity, owners: new Map() };
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** The workload of the local pod at the other end of an accepted socket, if it is one. */
  async of(socket: Socket): Promise<Workload | undefined> {
    if (this.platform !== 'linux' || socket.remotePort === undefined || socket.localPort === undefined) return undefined;
    const acceptedAt = performance.now();
    const inode = await clientSocketInode(socket.remotePort, socket.localPort, (socket.remoteFamily ?? 'IPv4') === 'IPv6');
    if (inode === undefined) return undefined;
    const known = this.index.owners.get(inode);
    if (known) return workloadOf(known);
    const pod = (await this.indexReadAfter(acceptedAt)).owners.get(inode);
    return pod ? workloadOf(pod) : undefined;
  }

  /**
   * An index read after `time` (one read before cannot know a newer connection). Reads are
   * shared and at least MIN_READ_INTERVAL_MS apart, so clients that open a connection per
   * request cost a bounded number of reads per second, not one each.
   */
  private async indexReadAfter(time: number): Promise<OwnerIndex> {
    while (this.index.startedAt < time) {
      this.reading ??= (async () => {
        const wait = this.index.startedAt + MIN_READ_INTERVAL_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.index = await readOwners(this.store);
      })().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.index;
  }
}

const MIN_READ_INTERVAL_MS = 50;

async function readOwners(store: ObjectStore): Promise<OwnerIndex> {
  const startedAt = performance.now();
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
  return { startedAt, owners };
}

/** The local plane's kubelet reports each running container as `rebound://PID`. */
function containerPids(pod: KubeObject): number[] {
  const statuses = (pod.status as { containerStatuses?: { containerID?: string }[] } | undefined)?.containerStatuses ?? [];
  return statuses.map((s) => /^rebound:\/\/(\d+)$/.exec(s.containerID ?? '')?.[1]).filter((pid): pid is string => pid !== undefined).map(Number);
}

/** The inode of the client end of a loopback TCP connection: local port `clientPort`, remote port `serverPort`. */
export async function clientSocketInode(clientPort: number, serverPort: number, ipv6: boolean): Promise<string | undefined> {
  const table = await readFile(ipv6 ? '/proc/net/tcp6' : '/proc/net/tcp', 'utf8').catch(() => '');
  const local = `:${hexPort(clientPort)}`;
  const remote = `:${hexPort(serverPort)}`;
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (fields.length > 9 && fields[1]!.endsWith(local) && fields[2]!.endsWith(remote) && fields[9] !== '0') return fields[9];
  }
  return undefined;
}

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
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
