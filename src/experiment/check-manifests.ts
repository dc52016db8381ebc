/**
 * `target.kubernetes.local` at validation: a regular file, or a directory of them, of YAML
 * documents that are Kubernetes objects (apiVersion and kind) — so that `/dev/zero`, a FIFO or
 * `/etc/passwd` is a located validation error, not a failure (or a hang) when the plane starts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Larger than any sane manifest set; a bound on what validation reads. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/** What is wrong with the manifests at `path`, or undefined when they can start a plane. */
export function manifestProblem(path: string): string | undefined {
  let info;
  try {
    info = statSync(path);
  } catch {
    return `manifests not found: ${path}`;
  }
  let files: string[];
  if (info.isDirectory()) {
    files = readdirSync(path)
      .filter((name) => MANIFEST_EXTENSIONS.has(extname(name)))
      .sort()
      .map((name) => join(path, name));
  } else if (info.isFile()) {
    files = [path];
  } else {
    return `${path} is not a regular file or a directory`;
  }
  for (const file of files) {
    const problem = fileProblem(file);
    if (problem) return problem;
  }
  return undefined;
}

function fileProblem(file: string): string | undefined {
  const info = statSync(file);
  if (!info.isFile()) return `${file} is not a regular file`;
  if (info.size > MAX_MANIFEST_BYTES) return `${file} is ${info.size} bytes, more than a manifest file may be (${MAX_MANIFEST_BYTES})`;
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  const list = Array.isArray(documents) ? documents : [documents];
  for (const [index, document] of list.entries()) {
    if (document.errors.length > 0) return `${file}: not valid YAML (${document.errors[0]!.message.split('\n')[0]})`;
    const value = document.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const object = value as { apiVersion?: unknown; kind?: unknown };
    if (typeof value !== 'object' || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      return `${file}: document ${index + 1} is not a Kubernetes object (no apiVersion and kind)`;
    }
  }
  return undefined;
}
