/**
 * Checks on a parsed YAML document before it becomes a value: what the YAML library would
 * otherwise throw without a location (unresolved aliases, alias bombs) or let through silently
 * (`__proto__` keys, `.inf` / `.nan`, `<<` merge keys, map or list keys, absurd nesting). Each problem is reported
 * once, at its node, with its field path.
 *
 * The walk is iterative: a deeply nested document must not overflow the stack here too.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';

/** Experiments nest about ten levels; anything near this is a mistake or an attack. */
export const MAX_NESTING = 64;
/** How many aliases (`*name`) one document may hold. */
export const MAX_ALIASES = 1000;
/** How many values the document may grow to once every alias is expanded. */
export const MAX_EXPANDED_NODES = 100_000;

export type PathSegment = string | number;

export interface DocumentProblem {
  /** Offset into the text of the node the problem is about. */
  readonly offset: number;
  readonly path: readonly PathSegment[];
  readonly message: string;
}

interface Visit {
  readonly node: unknown;
  readonly path: readonly PathSegment[];
  readonly depth: number;
  /** Set on the second visit, once the node's children are done (post-order sizes). */
  readonly exit?: true;
}

function offsetOf(node: unknown): number {
  return (node as YamlNode | undefined)?.range?.[0] ?? 0;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** Every problem found, in document order; empty when the document may be turned into a value. */
export function documentProblems(document: Document): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const anchors = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  let aliases = 0;
  let firstAlias: { offset: number; path: readonly PathSegment[] } | undefined;
  let tooDeepReported = false;
  const stack: Visit[] = [{ node: document.contents, path: [], depth: 0 }];
  // Bounded: each node is pushed at most twice (enter, exit); aliases are not followed.
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const { node, path, depth } = visit;
    if (visit.exit) {
      sizes.set(node, saturate(1 + childrenOf(node, path).reduce((sum, child) => sum + (sizes.get(child.node) ?? 1), 0)));
      continue;
    }
    if (node === null || node === undefined) continue;
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node);
    if (isAlias(node)) {
      aliases++;
      firstAlias ??= { offset: offsetOf(node), path };
      const target = anchors.get(node.source);
      if (target === undefined) {
        problems.push({ offset: offsetOf(node), path, message: `unresolved alias *${node.source}: no anchor &${node.source} comes before it` });
      } else if (!sizes.has(target)) {
        problems.push({ offset: offsetOf(node), path, message: `alias *${node.source} is inside its own anchor &${node.source} (a value cannot contain itself)` });
      } else {
        const size = sizes.get(target)!;
        sizes.set(node, size);
        if (size > MAX_EXPANDED_NODES) {
          problems.push({ offset: offsetOf(node), path, message: `alias *${node.source} expands to more than ${MAX_EXPANDED_NODES} values (an alias bomb, such as "billion laughs"?)` });
          return problems;
        }
      }
      if (aliases > MAX_ALIASES) {
        problems.push({ offset: offsetOf(node), path, message: `more than ${MAX_ALIASES} aliases (*name) in one file; write the values out, or use fewer aliases` });
        return problems;
      }
      continue;
    }
    if (isScalar(node)) {
      sizes.set(node, 1);
      if (typeof node.value === 'number' && !Number.isFinite(node.value)) {
        const what = Number.isNaN(node.value) ? '.nan (not a number)' : `${node.value > 0 ? '' : '-'}.inf (infinity)`;
        problems.push({ offset: offsetOf(node), path, message: `${what} is not a valid number here; write a finite number` });
      }
      continue;
    }
    if (depth >= MAX_NESTING) {
      if (!tooDeepReported) problems.push({ offset: offsetOf(node), path, message: `nested more than ${MAX_NESTING} levels deep` });
      tooDeepReported = true;
      continue;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isMap(pair.key) || isSeq(pair.key) || isAlias(pair.key)) {
          problems.push({ offset: offsetOf(pair.key), path, message: 'a key must be a plain name, not a map, a list or an alias' });
          continue;
        }
        const key = keyText(pair.key);
        if (key === '__proto__') problems.push({ offset: offsetOf(pair.key), path: [...path, key], message: 'the key "__proto__" is not allowed' });
        if (key === '<<') problems.push({ offset: offsetOf(pair.key), path: [...path, key], message: 'YAML merge keys ("<<") are not supported: write the fields out (anchors and aliases of whole values work)' });
      }
    }
    const children = childrenOf(node, path).map((child) => ({ ...child, depth: depth + 1 }));
    stack.push({ node, path, depth, exit: true });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  // Many aliases of a large anchor, each under the limit, can still add up to far more.
  if (problems.length === 0 && firstAlias && (sizes.get(document.contents) ?? 0) > MAX_EXPANDED_NODES) {
    problems.push({ ...firstAlias, message: `the document expands to more than ${MAX_EXPANDED_NODES} values once its aliases are expanded (an alias bomb?)` });
  }
  return problems;
}

/** A collection's keys and values in document order, each with its field path. */
function childrenOf(node: unknown, path: readonly PathSegment[]): { node: unknown; path: readonly PathSegment[] }[] {
  if (isSeq(node)) return node.items.map((item, index) => ({ node: item, path: [...path, index] }));
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => {
    const key = keyText(pair.key);
    return [
      { node: pair.key, path: [...path, key] },
      { node: pair.value, path: [...path, key] },
    ];
  });
}

function saturate(size: number): number {
  return Math.min(size, MAX_EXPANDED_NODES + 1);
}
