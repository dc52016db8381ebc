import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ApiCore, type DeleteOptions, type WriteOptions } from './api-core.ts';
import { ApiError, badRequest, expired, invalid, methodNotAllowed, notFound, type FieldIssue } from './api-error.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, OPENAPI_V2_PROTOBUF, SERVER_VERSION } from './discovery.ts';
import { matchesFields, parseFieldSelector, type FieldSelector } from './field-selector.ts';
import type { KubeObject } from './kube-object.ts';
import { matchesLabels, parseLabelSelector, selectorToString, fromStructured, type LabelSelector } from './label-selector.ts';
import type { StoreChange } from './object-store.ts';
import { apiVersionOf, RBAC_GROUP, type ResourceType } from './resources.ts';
import { authorize, forbidden, requestVerb, ServiceAccountTokens, unauthorized, type RbacObjects, type UserInfo } from './rbac-authorizer.ts';
import { toTable, wantsTable, type IncludeObject } from './tables.ts';
import { FIELD_VALIDATION_VALUES, fieldValidationOf } from './field-validation.ts';
import { encodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf/codec.ts';
import { acceptsJson, prefersProtobuf, readBody } from './request-body.ts';

/** What the API server needs from the rest of the cluster (the kubelet's logs). */
export interface ApiServerHooks {
  podLog(namespace: string, name: string, options: { container?: string; tailLines?: number; previous?: boolean }): string;
}

const DEFAULT_WATCH_TIMEOUT_S = 30 * 60;
const BOOKMARK_EVERY_MS = 30_000;

interface Route {
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** The HTTP face of the local control plane: discovery, CRUD, watch, tables, Status errors. */
export class ApiHttpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<ServerResponse>();
  private readonly tokens = new ServiceAccountTokens();
  private readonly rbac: RbacObjects;

  constructor(
    private readonly core: ApiCore,
    private readonly hooks: ApiServerHooks,
  ) {
    const stored = (plural: string, namespace?: string) => {
      const type = core.registry.lookup(RBAC_GROUP, 'v1', plural);
      return type ? core.list(type, namespace) : [];
    };
    this.rbac = {
      roles: (namespace) => stored('roles', namespace),
      roleBindings: (namespace) => stored('rolebindings', namespace),
      clusterRoles: () => stored('clusterroles'),
      clusterRoleBindings: () => stored('clusterrolebindings'),
    };
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => this.fail(req, res, error));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    for (const res of this.watches) res.end();
    this.watches.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const query = url.searchParams;
    // Discovery below is open to every identity the plane authenticates (system:discovery).
    const user = this.authenticate(req);

    if (path === '/version') return this.json(res, 200, SERVER_VERSION);
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (path === '/openapi/v2') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': OPENAPI_V2_PROTOBUF.length });
      res.end(OPENAPI_V2_PROTOBUF);
      return;
    }
    if (path === '/api') return this.json(res, 200, apiVersions());
    if (path === '/apis') return this.json(res, 200, apiGroupList(this.core.registry));

    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 2) {
      group = segments[1]!;
      if (segments.length === 2) {
        const body = apiGroup(this.core.registry, group);
        if (!body) throw pageNotFound(path);
        return this.json(res, 200, body);
      }
      version = segments[2]!;
      rest = segments.slice(3);
    } else throw pageNotFound(path);

    if (rest.length === 0) {
      const list = apiResourceList(this.core.registry, group, version);
      if (!list) throw pageNotFound(path);
      return this.json(res, 200, list);
    }
    let watch = query.get('watch') === 'true' || query.get('watch') === '1';
    if (rest[0] === 'watch') {
      watch = true;
      rest = rest.slice(1);
    }
    const route = this.route(group, version, rest, path);
    if (user) {
      const request = {
        verb: requestVerb(method, route.name !== undefined, watch),
        apiGroup: route.type.group,
        resource: route.type.plural,
        ...(route.subresource !== undefined ? { subresource: route.subresource } : {}),
        ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
        ...(route.name !== undefined ? { name: route.name } : {}),
      };
      if (!authorize(this.rbac, user, request)) throw forbidden(user, request);
    }
    const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
    const body = hasBody ? await readBody(req, { protobuf: !route.type.custom, required: method !== 'DELETE' }) : undefined;
    await this.dispatch(req, res, route, method, query, body, watch);
  }

  /**
   * A ServiceAccount's bearer token → its identity; no Authorization header → undefined: the
   * plane's own kubeconfig, allowed everything. Any other credential is refused (401).
   */
  private authenticate(req: IncomingMessage): UserInfo | undefined {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    const user = token === undefined ? undefined : this.tokens.authenticate(token, (namespace, name) => this.core.store.get('serviceaccounts', namespace, name));
    if (!user) throw unauthorized();
    return user;
  }

  /** TokenRequest (POST serviceaccounts/NAME/token): a bound token for the ServiceAccount. */
  private tokenRequest(route: Route, body: unknown): unknown {
    const account = this.core.get(route.type, route.namespace, route.name!);
    const requested = (body as { spec?: { expirationSeconds?: unknown; audiences?: unknown } } | undefined)?.spec;
    const seconds = typeof requested?.expirationSeconds === 'number' ? requested.expirationSeconds : 3600;
    if (!Number.isInteger(seconds) || seconds < 600) throw invalid('TokenRequest.authentication.k8s.io', 'TokenRequest', route.name!, [{ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', value: seconds, detail: 'may not specify a duration less than 10 minutes' }]);
    const { token, expiresAtMs } = this.tokens.issue(account, seconds);
    return {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: route.name, namespace: route.namespace },
      spec: { audiences: Array.isArray(requested?.audiences) && requested.audiences.length > 0 ? requested.audiences : ['https://kubernetes.default.svc'], expirationSeconds: seconds },
      status: { token, expirationTimestamp: new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    };
  }

  private route(group: string, version: string, rest: string[], path: string): Route {
    let namespace: string | undefined;
    let parts = rest;
    // /namespaces/{ns}/{plural}/... is a namespaced path; /namespaces/{name}[/status] is the Namespace itself
    if (parts[0] === 'namespaces' && parts.length >= 3 && !(group === '' && parts.length === 3 && (parts[2] === 'status' || parts[2] === 'finalize'))) {
      namespace = parts[1];
      parts = parts.slice(2);
    }
    const [plural, name, subresource, ...extra] = parts;
    const type = plural ? this.core.registry.lookup(group, version, plural) : undefined;
    if (!type || extra.length > 0) throw pageNotFound(path);
    if (namespace !== undefined && !type.namespaced) throw pageNotFound(path);
    if (subresource !== undefined && !type.subresources.includes(subresource) && !(type.plural === 'namespaces' && subresource === 'finalize')) throw pageNotFound(path);
    return { type, version, ...(namespace !== undefined ? { namespace } : {}), ...(name !== undefined ? { name } : {}), ...(subresource !== undefined ? { subresource } : {}) };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, route: Route, method: string, query: URLSearchParams, body: unknown, watch: boolean): Promise<void> {
    const { type, namespace, name, subresource } = route;
    const core = this.core;
    const table = wantsTable(req.headers.accept);
    const include = (query.get('includeObject') as IncludeObject | null) ?? 'Metadata';
    const dryRun = checkWriteOptions(method, query, method === 'DELETE' ? body : undefined);
    const warnings: string[] = [];
    const write: WriteOptions = { dryRun, fieldValidation: fieldValidationOf(query.get('fieldValidation')), warnings };
    const reply = (code: number, object: unknown) => this.object(req, res, code, object, warnings);

    if (namespace !== undefined && method !== 'GET' && !core.store.get('namespaces', undefined, namespace) && method !== 'DELETE') {
      throw notFound('namespaces', namespace);
    }

    if (name === undefined) {
      switch (method) {
        case 'GET':
          if (watch) return this.watch(req, res, route, query, table, include);
          return this.list(req, res, route, query, table, include);
        case 'POST': {
          const created = core.create(type, namespace, body, route.version, write);
          return reply(201, this.present(created, route));
        }
        case 'DELETE': {
          const items = core.list(type, namespace, { labelSelector: query.get('labelSelector') ?? '', fieldSelector: query.get('fieldSelector') ?? '' });
          const options = { ...deleteOptions(query, body), dryRun };
          const deleted = items.map((item) => core.delete(type, item.metadata.namespace, item.metadata.name!, options).object);
          return reply(200, { kind: type.listKind, apiVersion: apiVersionOf(type.group, route.version), metadata: { resourceVersion: core.store.currentRv() }, items: deleted.map((o) => this.present(o, route)) });
        }
        default:
          throw methodNotAllowed();
      }
    }

    if (subresource === 'token') {
      if (method !== 'POST') throw methodNotAllowed();
      return reply(201, this.tokenRequest(route, body));
    }
    if (subresource === 'log') {
      if (method !== 'GET') throw methodNotAllowed();
      core.get(type, namespace, name);
      const tail = query.get('tailLines');
      const text = this.hooks.podLog(namespace!, name, {
        ...(query.get('container') ? { container: query.get('container')! } : {}),
        ...(tail !== null ? { tailLines: Number(tail) } : {}),
        previous: query.get('previous') === 'true',
      });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(text);
      return;
    }
    if (subresource === 'scale') return this.scale(res, route, method, req.headers['content-type'], body, dryRun);
    if (subresource === 'status' || subresource === 'finalize') {
      switch (method) {
        case 'GET':
          return reply(200, this.present(core.get(type, namespace, name), route));
        case 'PUT':
          return reply(200, this.present(core.replaceStatus(type, namespace, name, body, route.version, write), route));
        case 'PATCH':
          return reply(200, this.present(core.patch(type, namespace, name, req.headers['content-type'], body, 'status', route.version, write), route));
        default:
          throw methodNotAllowed();
      }
    }

    switch (method) {
      case 'GET': {
        if (watch) {
          const fields = query.get('fieldSelector');
          query.set('fieldSelector', [fields, `metadata.name=${name}`].filter(Boolean).join(','));
          return this.watch(req, res, route, query, table, include);
        }
        const object = core.get(type, namespace, name);
        if (table) return this.json(res, 200, toTable(type, [object], object.metadata.resourceVersion ?? core.store.currentRv(), include));
        return reply(200, this.present(object, route));
      }
      case 'PUT':
        return reply(200, this.present(core.replace(type, namespace, name, body, route.version, write), route));
      case 'PATCH':
        return reply(200, this.present(core.patch(type, namespace, name, req.headers['content-type'], body, 'main', route.version, write), route));
      case 'DELETE': {
        const result = core.delete(type, namespace, name, { ...deleteOptions(query, body), dryRun });
        if (type.custom || (type.group === 'apps' && result.gone) || type.plural === 'configmaps' || type.plural === 'events' || type.plural === 'endpoints' || type.plural === 'secrets' || type.group === RBAC_GROUP) {
          return reply(200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { name, ...(type.group ? { group: type.group } : {}), kind: type.plural, uid: result.object.metadata.uid },
          });
        }
        return reply(result.gone ? 200 : 202, this.present(result.object, route));
      }
      default:
        throw methodNotAllowed();
    }
  }

  private list(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams, table: boolean, include: IncludeObject): void {
    const { type, namespace } = route;
    let items = this.core.list(type, namespace, { labelSelector: query.get('labelSelector') ?? '', fieldSelector: query.get('fieldSelector') ?? '' });
    const rv = this.core.store.currentRv();
    const limit = Number(query.get('limit') ?? 0);
    const token = query.get('continue');
    let continueToken: string | undefined;
    let remaining: number | undefined;
    if (token) {
      let after: string;
      try {
        after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')).after;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      items = items.filter((item) => `${item.metadata.namespace ?? ''}/${item.metadata.name}` > after);
    }
    if (limit > 0 && items.length > limit) {
      remaining = items.length - limit;
      items = items.slice(0, limit);
      const last = items[items.length - 1]!;
      continueToken = Buffer.from(JSON.stringify({ rv, after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
    }
    if (table) return this.json(res, 200, toTable(type, items, rv, include, true, continueToken));
    this.object(req, res, 200, {
      kind: type.listKind,
      apiVersion: apiVersionOf(type.group, route.version),
      metadata: { resourceVersion: rv, ...(continueToken ? { continue: continueToken, remainingItemCount: remaining } : {}) },
      items: items.map((item) => this.present(item, route)),
    }, []);
  }

  private watch(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams, table: boolean, include: IncludeObject): void {
    const { type, namespace } = route;
    const labels: LabelSelector = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields: FieldSelector = parseFieldSelector(query.get('fieldSelector') ?? '', type.plural);
    const key = this.core.key(type);
    const rvParam = query.get('resourceVersion') ?? '';
    if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: ${rvParam}`);
    const since = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    const replay = since === undefined ? undefined : this.core.store.changesSince(key, since);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    this.watches.add(res);
    let headersSent = false;
    const send = (eventType: string, object: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      res.write(`${JSON.stringify({ type: eventType, object })}\n`);
    };
    const sendObject = (eventType: string, object: KubeObject) => {
      if (table) {
        send(eventType, toTable(type, [object], object.metadata.resourceVersion ?? '', include, !headersSent));
        headersSent = true;
      } else send(eventType, this.present(object, route));
    };
    const matches = (object: KubeObject | undefined) =>
      object !== undefined && (namespace === undefined || object.metadata.namespace === namespace) && matchesLabels(labels, object.metadata.labels) && matchesFields(fields, object);
    const deliver = (change: StoreChange) => {
      if (change.resource !== key) return;
      const now = matches(change.object);
      if (change.type === 'MODIFIED') {
        const before = matches(change.previous);
        if (now && before) sendObject('MODIFIED', change.object);
        else if (now) sendObject('ADDED', change.object);
        else if (before) sendObject('DELETED', change.object);
      } else if (now) sendObject(change.type, change.object);
    };

    if (replay === 'expired') {
      const error = expired(`too old resource version: ${since} (${this.core.store.currentRv()})`);
      send('ERROR', error.toStatus());
      this.watches.delete(res);
      res.end();
      return;
    }
    if (replay === undefined) {
      for (const object of this.core.list(type, namespace)) if (matches(object)) sendObject('ADDED', object);
    } else for (const change of replay) deliver(change);

    const unsubscribe = this.core.store.subscribe(deliver);
    const timeoutS = Number(query.get('timeoutSeconds') ?? DEFAULT_WATCH_TIMEOUT_S);
    const timeout = setTimeout(() => res.end(), Math.max(0, timeoutS) * 1000);
    const bookmarks =
      query.get('allowWatchBookmarks') === 'true'
        ? setInterval(() => send('BOOKMARK', { kind: type.kind, apiVersion: apiVersionOf(type.group, route.version), metadata: { resourceVersion: this.core.store.currentRv() } }), BOOKMARK_EVERY_MS)
        : undefined;
    const cleanup = () => {
      unsubscribe();
      clearTimeout(timeout);
      if (bookmarks) clearInterval(bookmarks);
      this.watches.delete(res);
    };
    res.on('close', cleanup);
    res.on('finish', cleanup);
    req.on('close', () => {
      if (!res.writableEnded) res.end();
    });
  }

  private scale(res: ServerResponse, route: Route, method: string, contentType: string | undefined, body: unknown, dryRun: boolean): void {
    const { type, namespace, name } = route;
    const object = this.core.get(type, namespace, name!);
    const scaleOf = (o: KubeObject) => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: { replicas: o.status?.replicas ?? 0, selector: selectorToString(fromStructured(o.spec?.selector)) },
    });
    if (method === 'GET') return this.json(res, 200, scaleOf(object));
    let replicas: unknown;
    if (method === 'PUT') replicas = (body as any)?.spec?.replicas;
    else if (method === 'PATCH') {
      const patched = this.core.patch(type, namespace, name!, contentType, rewriteScalePatch(body), 'main', route.version, { dryRun });
      return this.json(res, 200, scaleOf(patched));
    } else throw methodNotAllowed();
    const next = structuredClone(object);
    next.spec.replicas = replicas;
    return this.json(res, 200, scaleOf(this.core.replace(type, namespace, name!, next, route.version, { dryRun })));
  }

  /** Serves an object at the version of the request path. */
  private present(object: KubeObject, route: Route): KubeObject {
    if (object.apiVersion === apiVersionOf(route.type.group, route.version)) return object;
    return { ...object, apiVersion: apiVersionOf(route.type.group, route.version) };
  }

  /**
   * An object, list or Status: in protobuf when `Accept` prefers it and the kind has a protobuf
   * form here, else JSON (the fallback a real server uses when the client also accepts JSON).
   */
  private object(req: IncomingMessage, res: ServerResponse, code: number, body: unknown, warnings: readonly string[]): void {
    if (warnings.length > 0) res.setHeader('Warning', warnings.map((text) => `299 - ${JSON.stringify(text)}`));
    const bytes = prefersProtobuf(req.headers.accept) ? encodeProtobufObject(body as Record<string, unknown>) : undefined;
    if (!bytes && !acceptsJson(req.headers.accept)) {
      const refusal = new ApiError(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml');
      return this.json(res, 406, refusal.toStatus());
    }
    if (!bytes) return this.json(res, code, body);
    res.writeHead(code, { 'Content-Type': PROTOBUF_MEDIA_TYPE, 'Content-Length': bytes.length });
    res.end(bytes);
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    const apiError =
      error instanceof ApiError ? error : new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error)?.message ?? String(error)}`);
    if (!(error instanceof ApiError)) process.stderr.write(`rebound cluster: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    if (res.headersSent) {
      res.end();
      return;
    }
    this.object(req, res, apiError.code, apiError.toStatus(), []);
  }
}

function pageNotFound(path: string): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
}

/** A scale patch (`{"spec":{"replicas":N}}`) applies to the same fields of the workload. */
function rewriteScalePatch(body: unknown): unknown {
  if (Array.isArray(body)) return body.filter((op) => String(op?.path).startsWith('/spec/replicas'));
  const replicas = (body as any)?.spec?.replicas;
  return replicas === undefined ? {} : { spec: { replicas } };
}

function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const fromBody = body && typeof body === 'object' && Object.keys(body).length > 0 ? (body as Record<string, any>) : undefined;
  const options: DeleteOptions = {};
  const grace = fromBody?.gracePeriodSeconds ?? (query.get('gracePeriodSeconds') !== null ? Number(query.get('gracePeriodSeconds')) : undefined);
  if (grace !== undefined && grace !== null) options.gracePeriodSeconds = Number(grace);
  const policy = fromBody?.propagationPolicy ?? query.get('propagationPolicy') ?? undefined;
  if (policy) {
    if (!['Background', 'Foreground', 'Orphan'].includes(policy)) throw badRequest(`unsupported propagation policy "${policy}"`);
    options.propagationPolicy = policy;
  } else if (fromBody?.orphanDependents === true || query.get('orphanDependents') === 'true') options.propagationPolicy = 'Orphan';
  if (fromBody?.preconditions) options.preconditions = fromBody.preconditions;
  return options;
}

const OPTIONS_KIND: Record<string, string> = { POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions', DELETE: 'DeleteOptions' };

/**
 * The write options of the query (and of a DELETE's DeleteOptions body), checked as
 * ValidateCreateOptions & co. do: a 422 on the options kind. Returns whether it is a dry run.
 */
function checkWriteOptions(method: string, query: URLSearchParams, deleteBody: unknown): boolean {
  const optionsKind = OPTIONS_KIND[method];
  if (!optionsKind) return false;
  const dryRun = [...query.getAll('dryRun')];
  const fromBody = (deleteBody as { dryRun?: unknown } | undefined)?.dryRun;
  if (Array.isArray(fromBody)) dryRun.push(...fromBody.map(String));
  const issues: FieldIssue[] = [];
  if (dryRun.some((value) => value !== 'All')) {
    issues.push({ field: 'dryRun', type: 'FieldValueNotSupported', value: dryRun, valueText: `[]string{${dryRun.map((v) => JSON.stringify(v)).join(', ')}}`, detail: 'supported values: "All"' });
  }
  const fieldValidation = query.get('fieldValidation');
  if (method !== 'DELETE' && fieldValidation !== null && !FIELD_VALIDATION_VALUES.includes(fieldValidation)) {
    issues.push({ field: 'fieldValidation', type: 'FieldValueNotSupported', value: fieldValidation, detail: `supported values: ${FIELD_VALIDATION_VALUES.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  if (issues.length > 0) throw invalid(`${optionsKind}.meta.k8s.io`, optionsKind, '', issues, 'meta.k8s.io');
  return dryRun.length > 0;
}
