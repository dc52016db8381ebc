import { ApiError, badRequest, unsupportedMediaType } from './api-error.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type PatchType = 'json' | 'merge' | 'strategic';

/** Maps a PATCH Content-Type to its patch type; anything else is 415. */
export function patchTypeOf(contentType: string | undefined, allowStrategic: boolean): PatchType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json-patch+json') return 'json';
  if (type === 'application/merge-patch+json') return 'merge';
  if (type === 'application/strategic-merge-patch+json') {
    if (!allowStrategic) throw new ApiError(415, 'UnsupportedMediaType', 'strategic merge patch is not supported for custom resources; use application/merge-patch+json');
    return 'strategic';
  }
  throw unsupportedMediaType(type);
}

export function applyPatch(type: PatchType, original: unknown, patch: unknown): unknown {
  switch (type) {
    case 'json':
      return applyJsonPatch(original, patch);
    case 'merge':
      return applyMergePatch(original, patch);
    case 'strategic':
      return applyStrategicMergePatch(original, patch);
  }
}

// ---- RFC 7386 JSON merge patch ----

export function applyMergePatch(original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(original) ? structuredClone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value) as Json;
  }
  return out;
}

// ---- RFC 6902 JSON patch ----

function decodePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, tokens: string[], op: string): [container: Json, key: string] {
  let current: Json = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)] as Json;
    else if (isObject(current)) current = current[token] as Json;
    else current = undefined as unknown as Json;
    if (current === undefined) throw badRequest(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
  }
  return [current, tokens[tokens.length - 1]!];
}

function getAt(doc: Json, tokens: string[]): Json | undefined {
  let current: Json | undefined = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else return undefined;
  }
  return current;
}

function removeAt(doc: Json, tokens: string[], op: string): Json {
  const [container, key] = parentOf(doc, tokens, op);
  if (Array.isArray(container)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= container.length) throw badRequest(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
    return container.splice(index, 1)[0]!;
  }
  if (isObject(container) && key in container) {
    const value = container[key]!;
    delete container[key];
    return value;
  }
  throw badRequest(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
}

function addAt(doc: Json, tokens: string[], value: Json, op: string): Json {
  if (tokens.length === 0) return value;
  const [container, key] = parentOf(doc, tokens, op);
  if (Array.isArray(container)) {
    const index = key === '-' ? container.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > container.length) throw badRequest(`${op} operation does not apply: index out of range: "/${tokens.join('/')}"`);
    container.splice(index, 0, value);
  } else if (isObject(container)) container[key] = value;
  else throw badRequest(`${op} operation does not apply: doc is missing path: "/${tokens.join('/')}"`);
  return doc;
}

export function applyJsonPatch(original: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
  let doc = structuredClone(original) as Json;
  for (const operation of patch as Array<Record<string, any>>) {
    const op = String(operation?.op);
    const path = decodePointer(String(operation?.path ?? ''));
    switch (op) {
      case 'add':
        doc = addAt(doc, path, structuredClone(operation.value), op);
        break;
      case 'remove':
        removeAt(doc, path, op);
        break;
      case 'replace':
        if (path.length === 0) doc = structuredClone(operation.value);
        else {
          removeAt(doc, path, op);
          doc = addAt(doc, path, structuredClone(operation.value), op);
        }
        break;
      case 'move': {
        const value = removeAt(doc, decodePointer(String(operation.from)), op);
        doc = addAt(doc, path, value, op);
        break;
      }
      case 'copy': {
        const value = getAt(doc, decodePointer(String(operation.from)));
        if (value === undefined) throw badRequest(`copy operation does not apply: doc is missing from path: "${operation.from}"`);
        doc = addAt(doc, path, structuredClone(value), op);
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(operation.value)) throw new ApiError(422, 'Invalid', `testing value ${JSON.stringify(operation.value)} at /${path.join('/')} failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

// ---- Strategic merge patch (the subset `kubectl apply` sends) ----

/** Lists merged by key (patchStrategy: merge) in the built-in types, by field name. */
const MERGE_KEYS: Record<string, string | ((items: Json[]) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  // container ports merge by containerPort, Service ports by port
  ports: (items) => (items.some((item) => isObject(item) && 'containerPort' in item) ? 'containerPort' : 'port'),
};
/** Primitive lists with set semantics. */
const MERGE_PRIMITIVE = new Set(['finalizers']);

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  const key = MERGE_KEYS[field];
  return typeof key === 'function' ? key(items) : key;
}

export function applyStrategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(isObject(original) ? original : {}, patch);
}

function mergeMap(original: JsonObject, patch: JsonObject): Json {
  if (patch.$patch === 'delete') return null;
  if (patch.$patch === 'replace') {
    const out = structuredClone(patch);
    delete out.$patch;
    return stripDirectives(out);
  }
  const out: JsonObject = structuredClone(original);
  const retainKeys = Array.isArray(patch.$retainKeys) ? (patch.$retainKeys as string[]) : undefined;
  const orders = new Map<string, Json[]>();
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      orders.set(key.slice('$setElementOrder/'.length), value as Json[]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const remove = new Set((value as Json[]).map((v) => JSON.stringify(v)));
      if (Array.isArray(out[field])) out[field] = (out[field] as Json[]).filter((v) => !remove.has(JSON.stringify(v)));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (isObject(value)) {
      const merged = mergeMap(isObject(current) ? current : {}, value);
      if (merged === null) delete out[key];
      else out[key] = merged;
    } else if (Array.isArray(value)) {
      out[key] = mergeList(key, Array.isArray(current) ? current : [], value);
    } else out[key] = value;
  }
  for (const [field, order] of orders) if (Array.isArray(out[field])) out[field] = reorder(field, out[field] as Json[], order);
  if (retainKeys) for (const key of Object.keys(out)) if (!retainKeys.includes(key)) delete out[key];
  return out;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (!key.startsWith('$')) out[key] = stripDirectives(v);
  return out;
}

function mergeList(field: string, original: Json[], patch: Json[]): Json[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace')).map(stripDirectives);
  }
  if (MERGE_PRIMITIVE.has(field)) {
    const out = [...original];
    for (const item of patch) if (!out.some((v) => JSON.stringify(v) === JSON.stringify(item))) out.push(item);
    return out;
  }
  const key = mergeKeyFor(field, [...patch, ...original]);
  if (!key || !patch.every(isObject)) return patch.map(stripDirectives); // atomic list: replaced
  const out: Json[] = structuredClone(original);
  for (const item of patch as JsonObject[]) {
    const index = out.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = mergeMap(out[index] as JsonObject, item);
    else out.push(stripDirectives(item));
  }
  return out;
}

function reorder(field: string, list: Json[], order: Json[]): Json[] {
  const key = mergeKeyFor(field, list);
  const identity = (item: Json): string => (key && isObject(item) ? JSON.stringify(item[key]) : JSON.stringify(item));
  const wanted = order.map((entry) => (key && isObject(entry) ? JSON.stringify(entry[key]) : JSON.stringify(entry)));
  const ordered: Json[] = [];
  for (const id of wanted) {
    const found = list.find((item) => identity(item) === id);
    if (found !== undefined) ordered.push(found);
  }
  for (const item of list) if (!wanted.includes(identity(item))) ordered.push(item);
  return ordered;
}
