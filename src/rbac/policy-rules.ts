/**
 * Permissions → RBAC rules, per namespace: one rule per resource for the verbs allowed on every
 * object, one per resource and set of names for verbs allowed on named objects only (a verb the
 * unnamed rule already grants is dropped from the named one). Deterministic order: API group,
 * resource, the unnamed rule first; verbs in Kubernetes' usual order.
 */
import type { KubePermission, KubeVerb, PolicyRule } from './permission.ts';

const VERB_ORDER: readonly KubeVerb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

export interface ExplainedRule {
  readonly rule: PolicyRule;
  /** The permissions' reasons, deduplicated. */
  readonly reasons: readonly string[];
}

export interface ScopedRules {
  /** Undefined: cluster-wide. */
  readonly namespace?: string;
  readonly rules: readonly ExplainedRule[];
}

const sortVerbs = (verbs: Iterable<string>) => [...new Set(verbs)].sort((a, b) => VERB_ORDER.indexOf(a as KubeVerb) - VERB_ORDER.indexOf(b as KubeVerb));

function rulesOf(permissions: readonly KubePermission[]): ExplainedRule[] {
  const byResource = new Map<string, KubePermission[]>();
  for (const permission of permissions) {
    const key = `${permission.apiGroup}\u0000${permission.resource}`;
    byResource.set(key, [...(byResource.get(key) ?? []), permission]);
  }
  const rules: ExplainedRule[] = [];
  for (const key of [...byResource.keys()].sort()) {
    const group = byResource.get(key)!;
    const { apiGroup, resource } = group[0]!;
    const unnamed = group.filter((p) => p.resourceNames === undefined);
    const everywhere = new Set(unnamed.flatMap((p) => p.verbs));
    if (everywhere.size > 0) rules.push({ rule: { apiGroups: [apiGroup], resources: [resource], verbs: sortVerbs(everywhere) }, reasons: [...new Set(unnamed.map((p) => p.reason))] });
    // Named objects: verb → names, then verbs with the same names share a rule.
    const namesByVerb = new Map<string, Set<string>>();
    const reasonsByVerb = new Map<string, Set<string>>();
    for (const permission of group) {
      if (permission.resourceNames === undefined) continue;
      for (const verb of permission.verbs) {
        if (everywhere.has(verb)) continue;
        namesByVerb.set(verb, new Set([...(namesByVerb.get(verb) ?? []), ...permission.resourceNames]));
        reasonsByVerb.set(verb, new Set([...(reasonsByVerb.get(verb) ?? []), permission.reason]));
      }
    }
    const byNames = new Map<string, { verbs: string[]; reasons: Set<string> }>();
    for (const [verb, names] of namesByVerb) {
      const namesKey = JSON.stringify([...names].sort());
      const entry = byNames.get(namesKey) ?? { verbs: [], reasons: new Set<string>() };
      entry.verbs.push(verb);
      for (const reason of reasonsByVerb.get(verb)!) entry.reasons.add(reason);
      byNames.set(namesKey, entry);
    }
    for (const namesKey of [...byNames.keys()].sort()) {
      const { verbs, reasons } = byNames.get(namesKey)!;
      rules.push({ rule: { apiGroups: [apiGroup], resources: [resource], resourceNames: JSON.parse(namesKey) as string[], verbs: sortVerbs(verbs) }, reasons: [...reasons] });
    }
  }
  return rules;
}

/** The rules for each namespace (sorted), cluster-wide ones last. */
export function policyRules(permissions: readonly KubePermission[]): ScopedRules[] {
  const byNamespace = new Map<string | undefined, KubePermission[]>();
  for (const permission of permissions) byNamespace.set(permission.namespace, [...(byNamespace.get(permission.namespace) ?? []), permission]);
  const namespaces = [...byNamespace.keys()].filter((ns): ns is string => ns !== undefined).sort();
  const scoped: ScopedRules[] = namespaces.map((namespace) => ({ namespace, rules: rulesOf(byNamespace.get(namespace)!) }));
  const cluster = byNamespace.get(undefined);
  if (cluster) scoped.push({ rules: rulesOf(cluster) });
  return scoped;
}
