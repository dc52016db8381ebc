import { badRequest } from './api-error.ts';
import type { KubeObject } from './kube-object.ts';

export interface FieldRequirement {
  readonly field: string;
  readonly negate: boolean;
  readonly value: string;
}

export type FieldSelector = readonly FieldRequirement[];

/** Fields each resource supports beyond metadata.name / metadata.namespace (what the API server allows). */
const EXTRA_FIELDS: Record<string, readonly string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  replicasets: ['status.replicas'],
  secrets: ['type'],
  namespaces: ['status.phase'],
  nodes: ['spec.unschedulable'],
};

/** Parses `a=b,c!=d` (`==` too) and checks every field is supported for `plural` (400 otherwise). */
export function parseFieldSelector(text: string, plural: string): FieldSelector {
  const out: FieldRequirement[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = match[1]!.trim();
    const allowed = field === 'metadata.name' || field === 'metadata.namespace' || (EXTRA_FIELDS[plural] ?? []).includes(field);
    if (!allowed) throw badRequest(`field label not supported: ${field}`);
    out.push({ field, negate: match[2] === '!=', value: match[3]!.trim() });
  }
  return out;
}

function fieldValue(object: KubeObject, field: string): string {
  if (field === 'source') return String((object as any).source?.component ?? '');
  let current: any = object;
  for (const part of field.split('.')) current = current?.[part];
  return current === undefined || current === null ? '' : String(current);
}

export function matchesFields(selector: FieldSelector, object: KubeObject): boolean {
  for (const req of selector) {
    const equal = fieldValue(object, req.field) === req.value;
    if (equal === req.negate) return false;
  }
  return true;
}
