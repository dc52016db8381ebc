import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { InfraError, ValidationError, type InputIssue } from '../errors.ts';
import type { ApiCore } from './api/api-core.ts';
import { ApiError } from './api/api-error.ts';
import type { KubeObject } from './api/kube-object.ts';

/** One object from a manifest file, with where it came from. */
export interface ManifestObject {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly object: KubeObject;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Files named by `-f`: a file as-is, a directory's *.yaml/*.yml/*.json (not recursive, sorted, as kubectl does). */
export async function manifestFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const full = resolve(path);
    let info;
    try {
      info = await stat(full);
    } catch {
      throw new ValidationError([{ file: path, line: 0, column: 0, path: '', message: 'no such file or directory' }]);
    }
    if (info.isDirectory()) {
      const names = (await readdir(full)).filter((name) => MANIFEST_EXTENSIONS.has(extname(name))).sort();
      files.push(...names.map((name) => join(full, name)));
    } else files.push(full);
  }
  return files;
}

/** Parses every YAML document of every file; all problems at once, each with file:line:col. */
export async function loadManifests(paths: readonly string[]): Promise<ManifestObject[]> {
  const issues: InputIssue[] = [];
  const objects: ManifestObject[] = [];
  for (const file of await manifestFiles(paths)) {
    const text = await readFile(file, 'utf8');
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter });
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, index) => {
      for (const error of doc.errors) {
        const pos = error.linePos?.[0];
        issues.push({ file, line: pos?.line ?? 0, column: pos?.col ?? 0, path: '', message: error.message.split('\n')[0]! });
      }
      if (doc.errors.length > 0) return;
      const value = doc.toJS();
      if (value === null || value === undefined) return;
      const start = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
      const at = { file, line: start.line, column: start.col };
      if (typeof value !== 'object' || Array.isArray(value)) {
        issues.push({ ...at, path: `document ${index + 1}`, message: 'a manifest must be a mapping with apiVersion and kind' });
        return;
      }
      const items = value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
      items.forEach((item: any, i: number) => {
        const where = value.kind === 'List' ? `items[${i}]` : '';
        if (!item || typeof item !== 'object' || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string') {
          issues.push({ ...at, path: where, message: 'apiVersion and kind are required' });
          return;
        }
        objects.push({ ...at, object: { ...item, metadata: item.metadata ?? {} } });
      });
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return objects;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const APPLY_ORDER = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'Secret', 'ConfigMap', 'Service'];

function rank(object: KubeObject): number {
  const index = APPLY_ORDER.indexOf(object.kind ?? '');
  return index < 0 ? APPLY_ORDER.length : index;
}

/**
 * Creates (or replaces) every object through the same API semantics the HTTP server uses.
 * Namespaces, CRDs, ConfigMaps and Services go first so pods see their service env vars.
 * API errors become one ValidationError listing every rejected object.
 */
export function applyManifests(core: ApiCore, manifests: readonly ManifestObject[]): KubeObject[] {
  const issues: InputIssue[] = [];
  const applied: KubeObject[] = [];
  const ordered = manifests.map((m, i) => ({ m, i })).sort((a, b) => rank(a.m.object) - rank(b.m.object) || a.i - b.i);
  for (const { m } of ordered) {
    const { object } = m;
    const label = `${object.kind}/${object.metadata.name ?? object.metadata.generateName ?? '?'}`;
    const type = core.registry.forApiVersionKind(object.apiVersion!, object.kind!);
    if (!type) {
      issues.push({ file: m.file, line: m.line, column: m.column, path: label, message: `no matches for kind "${object.kind}" in version "${object.apiVersion}"` });
      continue;
    }
    const namespace = type.namespaced ? (object.metadata.namespace ?? 'default') : undefined;
    // as `kubectl apply` would, so that a later `kubectl apply` three-way merges without warnings
    object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [LAST_APPLIED]: `${JSON.stringify(object)}\n` };
    const version = object.apiVersion!.includes('/') ? object.apiVersion!.split('/')[1]! : object.apiVersion!;
    try {
      try {
        applied.push(core.create(type, namespace, object, version));
      } catch (error) {
        if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
        applied.push(core.replace(type, namespace, object.metadata.name!, { ...object, metadata: { ...object.metadata, resourceVersion: undefined } }, version));
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const causes = error.details?.causes ?? [];
      if (causes.length > 0) for (const cause of causes) issues.push({ file: m.file, line: m.line, column: m.column, path: `${label} ${cause.field ?? ''}`.trim(), message: `${cause.message} (${error.reason})` });
      else issues.push({ file: m.file, line: m.line, column: m.column, path: label, message: `${error.message} (${error.reason})` });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return applied;
}

export function describeError(error: unknown): InfraError | ValidationError {
  if (error instanceof ValidationError || error instanceof InfraError) return error;
  return new InfraError((error as Error)?.message ?? String(error));
}
