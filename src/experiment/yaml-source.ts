/** A parsed YAML document that can say where (line:col) any field path is, for error messages. */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { documentProblems } from './yaml-limits.ts';

export type FieldPath = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Where to point for a path: the value itself, its key (unknown fields), or the key of its parent (missing fields). */
export type Anchor = 'value' | 'key';

/** A problem found before the document became a value: a syntax error, or what yaml-limits.ts refuses. */
export interface YamlSyntaxIssue extends Position {
  /** Where in the document, when known (not for syntax errors). */
  readonly path?: FieldPath;
  readonly message: string;
}

const STACK_OVERFLOW = /Maximum call stack size exceeded/;

export class YamlSource {
  readonly value: unknown;
  /** Problems that keep the text from becoming a value (then `value` is undefined). */
  syntaxIssues: readonly YamlSyntaxIssue[];
  private readonly document: Document;
  private readonly lines: LineCounter;

  constructor(text: string) {
    this.lines = new LineCounter();
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, strict: true });
    this.syntaxIssues = this.parserIssues();
    if (this.syntaxIssues.length === 0) {
      this.syntaxIssues = [...documentProblems(this.document)].sort((a, b) => a.offset - b.offset).map((problem) => ({ ...this.at(problem.offset), path: problem.path, message: problem.message }));
    }
    this.value = this.syntaxIssues.length === 0 ? this.toValue() : undefined;
  }

  /**
   * The parser's errors and warnings. A document nested too deep for the parser overflows its
   * stack once per level on the way out: that is one problem, reported once.
   */
  private parserIssues(): YamlSyntaxIssue[] {
    const issues: YamlSyntaxIssue[] = [];
    let overflowReported = false;
    for (const error of [...this.document.errors, ...this.document.warnings]) {
      if (STACK_OVERFLOW.test(error.message)) {
        if (overflowReported) continue;
        overflowReported = true;
        issues.push({ ...this.at(error.pos[0]), message: 'YAML syntax: nested too deep for the YAML parser; an experiment needs no more than a few levels' });
        continue;
      }
      issues.push({ ...this.at(error.pos[0]), message: `YAML syntax: ${firstLine(error.message)}` });
    }
    return issues;
  }

  /** yaml-limits.ts has already refused what toJS would throw on; a throw here is still a located problem, not a crash. */
  private toValue(): unknown {
    try {
      return this.document.toJS({ maxAliasCount: -1 });
    } catch (error) {
      this.syntaxIssues = [{ line: 1, column: 1, message: `YAML: ${firstLine((error as Error).message)}` }];
      return undefined;
    }
  }

  private at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * The position of `path`: its value node, or with 'key' its key node. A path that does not
   * exist points at its nearest existing ancestor's key (or the item itself for list items).
   */
  locate(path: FieldPath, anchor: Anchor = 'value'): Position {
    let node: unknown = this.document.contents;
    let keyNode: unknown;
    let lastGood: Position | undefined = this.positionOf(node);
    for (const segment of path) {
      let nextKey: unknown;
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
        if (!pair) return lastGood ?? { line: 1, column: 1 };
        nextKey = pair.key;
        next = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        nextKey = undefined;
        if (next === undefined) return lastGood ?? { line: 1, column: 1 };
      } else {
        return lastGood ?? { line: 1, column: 1 };
      }
      keyNode = nextKey;
      node = next;
      lastGood = this.positionOf(keyNode) ?? this.positionOf(node) ?? lastGood;
    }
    if (anchor === 'key') return this.positionOf(keyNode) ?? this.positionOf(node) ?? lastGood ?? { line: 1, column: 1 };
    return this.positionOf(node) ?? this.positionOf(keyNode) ?? lastGood ?? { line: 1, column: 1 };
  }

  private positionOf(node: unknown): Position | undefined {
    const range = (node as YamlNode | undefined)?.range;
    if (!range) return undefined;
    const { line, col } = this.lines.linePos(range[0]);
    return { line, column: col };
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/** `['phases', 1, 'faults', 0]` → `phases[1].faults[0]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
