import { badRequest } from './api-error.ts';

/** One parsed requirement of a label selector. */
export interface LabelRequirement {
  readonly key: string;
  readonly op: 'in' | 'notin' | 'exists' | '!exists' | 'gt' | 'lt';
  readonly values: readonly string[];
}

export type LabelSelector = readonly LabelRequirement[];

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/**
 * Parses the string form (`app=web,tier!=db,env in (a,b),!canary`). An empty string selects
 * everything. Throws a 400 BadRequest ApiError on a parse error, as the API server does.
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(text)) {
    const trimmed = part.trim();
    if (!trimmed) {
      if (text.trim()) throw badRequest(`unable to parse requirement: found '', expected: identifier`);
      continue;
    }
    requirements.push(parseRequirement(trimmed));
  }
  return requirements;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current || parts.length) parts.push(current);
  return parts.length === 1 && !parts[0]!.trim() ? [] : parts;
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`);
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !VALUE.test(value)) throw badRequest(`unable to parse requirement: invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'`);
  return value;
}

function parseRequirement(text: string): LabelRequirement {
  if (text.startsWith('!')) return { key: checkKey(text.slice(1).trim()), op: '!exists', values: [] };
  const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (setMatch) {
    const values = setMatch[3]!.split(',').map((v) => checkValue(v.trim()));
    return { key: checkKey(setMatch[1]!), op: setMatch[2] as 'in' | 'notin', values };
  }
  const opMatch = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(text);
  if (opMatch) {
    const key = checkKey(opMatch[1]!);
    const value = opMatch[3]!.trim();
    switch (opMatch[2]) {
      case '=':
      case '==':
        return { key, op: 'in', values: [checkValue(value)] };
      case '!=':
        return { key, op: 'notin', values: [checkValue(value)] };
      default:
        if (!/^-?\d+$/.test(value)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
        return { key, op: opMatch[2] === '>' ? 'gt' : 'lt', values: [value] };
    }
  }
  if (/\s/.test(text)) throw badRequest(`unable to parse requirement: found '${text}', expected: in, notin, =, ==, !=, gt, lt`);
  return { key: checkKey(text), op: 'exists', values: [] };
}

export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const map = labels ?? {};
  for (const req of selector) {
    const has = Object.prototype.hasOwnProperty.call(map, req.key);
    const value = map[req.key];
    switch (req.op) {
      case 'in':
        if (!has || !req.values.includes(value!)) return false;
        break;
      case 'notin':
        if (has && req.values.includes(value!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value!)) return false;
        const n = Number(value);
        const bound = Number(req.values[0]);
        if (req.op === 'gt' ? !(n > bound) : !(n < bound)) return false;
      }
    }
  }
  return true;
}

/** A structured `metav1.LabelSelector` (matchLabels + matchExpressions) as requirements. */
export interface StructuredLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export function fromStructured(selector: StructuredLabelSelector | undefined): LabelSelector {
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) requirements.push({ key, op: 'in', values: [value] });
  for (const expr of selector?.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!exists' } as const)[expr.operator as 'In'];
    if (!op) throw badRequest(`"${expr.operator}" is not a valid label selector operator`);
    requirements.push({ key: expr.key, op, values: expr.values ?? [] });
  }
  return requirements;
}

/** A Service-style `selector` map (equality only). An empty map selects nothing for Services. */
export function fromMap(map: Record<string, string> | undefined): LabelSelector {
  return Object.entries(map ?? {}).map(([key, value]) => ({ key, op: 'in' as const, values: [value] }));
}

export function selectorToString(selector: LabelSelector): string {
  return selector
    .map((r) => {
      switch (r.op) {
        case 'in':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        case '!exists':
          return `!${r.key}`;
        case 'gt':
          return `${r.key}>${r.values[0]}`;
        case 'lt':
          return `${r.key}<${r.values[0]}`;
      }
    })
    .join(',');
}
