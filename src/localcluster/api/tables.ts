import type { KubeObject } from './kube-object.ts';
import type { ResourceType } from './resources.ts';

/** `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io`; these are the columns a real server prints. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

interface Printer {
  columns: Array<[name: string, type: string, priority?: number, format?: string]>;
  cells(object: KubeObject, now: number): unknown[];
}

export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0] ?? '';
  return /as=Table/.test(first) && /g=meta\.k8s\.io/.test(first);
}

/** kubectl's HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(object: KubeObject, now: number): string {
  const created = Date.parse(object.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? '<unknown>' : humanDuration(now - created);
}

/** The STATUS column kubectl shows for a pod. */
export function podStatusText(pod: KubeObject): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  let running = false;
  for (const cs of [...(pod.status?.containerStatuses ?? [])].reverse()) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated) reason = cs.state.terminated.reason ?? (cs.state.terminated.signal ? `Signal:${cs.state.terminated.signal}` : `ExitCode:${cs.state.terminated.exitCode}`);
    else if (cs.state?.running && cs.ready) running = true;
  }
  if (reason === 'Completed' && running) reason = 'Running';
  if (pod.metadata.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [['Name', 'string', 0, 'name'], ['Ready', 'string'], ['Status', 'string'], ['Restarts', 'string'], ['Age', 'string'], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
    cells(pod, now) {
      const statuses: any[] = pod.status?.containerStatuses ?? [];
      const total = pod.spec?.containers?.length ?? statuses.length;
      const ready = statuses.filter((cs) => cs.ready).length;
      const restarts = statuses.reduce((n, cs) => n + (cs.restartCount ?? 0), 0);
      const lastRestart = statuses.map((cs) => Date.parse(cs.lastState?.terminated?.finishedAt ?? '')).filter((t) => !Number.isNaN(t)).sort((a, b) => b - a)[0];
      const restartText = restarts > 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
      return [pod.metadata.name, `${ready}/${total}`, podStatusText(pod), restartText, age(pod, now), pod.status?.podIP ?? '<none>', pod.spec?.nodeName ?? '<none>', '<none>', '<none>'];
    },
  },
  deployments: {
    columns: [['Name', 'string', 0, 'name'], ['Ready', 'string'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells(d, now) {
      const containers: any[] = d.spec?.template?.spec?.containers ?? [];
      return [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, age(d, now), containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), structuredSelector(d.spec?.selector)];
    },
  },
  replicasets: {
    columns: [['Name', 'string', 0, 'name'], ['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells(rs, now) {
      const containers: any[] = rs.spec?.template?.spec?.containers ?? [];
      return [rs.metadata.name, rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs, now), containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), structuredSelector(rs.spec?.selector)];
    },
  },
  services: {
    columns: [['Name', 'string', 0, 'name'], ['Type', 'string'], ['Cluster-IP', 'string'], ['External-IP', 'string'], ['Port(s)', 'string'], ['Age', 'string'], ['Selector', 'string', 1]],
    cells(svc, now) {
      const ports = (svc.spec?.ports ?? []).map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
      const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return [svc.metadata.name, svc.spec?.type ?? 'ClusterIP', svc.spec?.clusterIP ?? '<none>', (svc.spec?.externalIPs ?? []).join(',') || '<none>', ports || '<none>', age(svc, now), selector || '<none>'];
    },
  },
  endpoints: {
    columns: [['Name', 'string', 0, 'name'], ['Endpoints', 'string'], ['Age', 'string']],
    cells(ep, now) {
      const list: string[] = [];
      for (const subset of ep.subsets ?? []) for (const a of subset.addresses ?? []) for (const p of subset.ports ?? []) list.push(`${a.ip}:${p.port}`);
      return [ep.metadata.name, list.length === 0 ? '<none>' : list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(','), age(ep, now)];
    },
  },
  events: {
    columns: [['Last Seen', 'string'], ['Type', 'string'], ['Reason', 'string'], ['Object', 'string'], ['Message', 'string'], ['Source', 'string', 1], ['First Seen', 'string', 1], ['Count', 'string', 1], ['Name', 'string', 1, 'name']],
    cells(ev, now) {
      const last = Date.parse(ev.lastTimestamp ?? ev.eventTime ?? '');
      const first = Date.parse(ev.firstTimestamp ?? ev.eventTime ?? '');
      const obj = `${String(ev.involvedObject?.kind ?? '').toLowerCase()}/${ev.involvedObject?.name ?? ''}`;
      return [Number.isNaN(last) ? '<unknown>' : humanDuration(now - last), ev.type, ev.reason, obj, String(ev.message ?? '').trim(), ev.source?.component ?? '', Number.isNaN(first) ? '<unknown>' : humanDuration(now - first), String(ev.count ?? 1), ev.metadata.name];
    },
  },
  namespaces: {
    columns: [['Name', 'string', 0, 'name'], ['Status', 'string'], ['Age', 'string']],
    cells: (ns, now) => [ns.metadata.name, ns.status?.phase ?? 'Active', age(ns, now)],
  },
  nodes: {
    columns: [['Name', 'string', 0, 'name'], ['Status', 'string'], ['Roles', 'string'], ['Age', 'string'], ['Version', 'string'], ['Internal-IP', 'string', 1]],
    cells: (node, now) => [node.metadata.name, 'Ready', 'control-plane', age(node, now), node.status?.nodeInfo?.kubeletVersion ?? '', '127.0.0.1'],
  },
  configmaps: {
    columns: [['Name', 'string', 0, 'name'], ['Data', 'integer'], ['Age', 'string']],
    cells: (cm, now) => [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm, now)],
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [['Name', 'string', 0, 'name'], ['Age', 'string']],
  cells: (object, now) => [object.metadata.name, age(object, now)],
};

function structuredSelector(selector: any): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) parts.push(`${e.key} ${String(e.operator).toLowerCase()} (${(e.values ?? []).join(',')})`);
  return parts.join(',') || '<none>';
}

function printerFor(type: ResourceType): Printer {
  return (!type.custom && PRINTERS[type.plural]) || DEFAULT_PRINTER;
}

export function columnDefinitions(type: ResourceType): ColumnDefinition[] {
  return printerFor(type).columns.map(([name, colType, priority = 0, format = '']) => ({
    name,
    type: colType,
    format,
    description: name === 'Name' ? 'Name must be unique within a namespace.' : name === 'Age' ? 'CreationTimestamp is a timestamp representing the server time when this object was created.' : `${name} of the ${type.kind}`,
    priority,
  }));
}

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export function toTable(type: ResourceType, objects: readonly KubeObject[], resourceVersion: string, include: IncludeObject, withHeaders = true, continueToken?: string): unknown {
  const printer = printerFor(type);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
    columnDefinitions: withHeaders ? columnDefinitions(type) : null,
    rows: objects.map((object) => {
      const row: Record<string, unknown> = { cells: printer.cells(object, now) };
      const embedded = rowObject(object, include);
      if (embedded !== undefined) row.object = embedded;
      return row;
    }),
  };
}
