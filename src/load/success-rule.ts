import type { SuccessRule } from '../experiment/resolved.ts';

/** A SuccessRule compiled once: status ranges as a flat array, patterns as RegExps. */
export class CompiledSuccessRule {
  private readonly ranges: Int32Array;
  /** Lower-case header name whose value must match `headerPattern`. */
  readonly headerName: string | undefined;
  private readonly headerPattern: RegExp | undefined;
  /** Body pattern; when absent the body is never decoded. */
  readonly bodyPattern: RegExp | undefined;

  constructor(rule: SuccessRule) {
    const ranges = rule.statuses.length > 0 ? rule.statuses : [[200, 399] as const];
    this.ranges = Int32Array.from(ranges.flatMap(([low, high]) => [low, high]));
    this.headerName = rule.header?.name.toLowerCase();
    this.headerPattern = rule.header ? new RegExp(rule.header.pattern) : undefined;
    this.bodyPattern = rule.bodyPattern !== undefined ? new RegExp(rule.bodyPattern) : undefined;
  }

  statusOk(status: number): boolean {
    const ranges = this.ranges;
    for (let i = 0; i < ranges.length; i += 2) if (status >= ranges[i]! && status <= ranges[i + 1]!) return true;
    return false;
  }

  /** `value` undefined = header absent, which fails a header rule. */
  headerOk(value: string | undefined): boolean {
    return value !== undefined && this.headerPattern!.test(value);
  }

  bodyOk(body: string): boolean {
    return this.bodyPattern!.test(body);
  }
}
