import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const shopDir = fileURLToPath(new URL('../../fixtures/shop/', import.meta.url));
export const experimentsDir = fileURLToPath(new URL('../../experiments/', import.meta.url));

/** A loosely typed Kubernetes object, enough for consistency checks. */
export interface KubeDoc {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

export function readManifests(flavour: 'local' | 'cluster' | 'mesh'): KubeDoc[] {
  const dir = path.join(shopDir, 'manifests', flavour);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${flavour}/${f}: ${doc.errors[0]!.message}`);
        return doc.toJS() as KubeDoc;
      }),
    );
}

export function byKind(docs: readonly KubeDoc[], kind: string): KubeDoc[] {
  return docs.filter((d) => d.kind === kind);
}

export function containerEnv(deployment: KubeDoc): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of deployment.spec.template.spec.containers[0].env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  return env;
}
