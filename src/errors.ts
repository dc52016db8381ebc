/**
 * Typed errors thrown by library code. Only src/cli turns them into messages and exit codes
 * (see src/result/exit-codes.ts); library code never calls process.exit.
 */
export class ReboundError extends Error {
  override readonly name: string = 'ReboundError';
}

/** Bad command-line usage (exit 2). */
export class UsageError extends ReboundError {
  override readonly name: string = 'UsageError';
}

/** One located problem in an input file. */
export interface InputIssue {
  readonly file: string;
  /** 1-based; 0 when unknown. */
  readonly line: number;
  readonly column: number;
  /** Field path such as `phases[1].faults[0].toxiproxy.proxy`. */
  readonly path: string;
  readonly message: string;
}

/** Invalid input file(s): every problem at once (exit 2). */
export class ValidationError extends ReboundError {
  override readonly name: string = 'ValidationError';
  constructor(readonly issues: readonly InputIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export function formatIssue(issue: InputIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return `${where}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** The harness could not do its job: unreachable Toxiproxy or cluster, missing k6, … (exit 4). */
export class InfraError extends ReboundError {
  override readonly name: string = 'InfraError';
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** A preflight finding that stops the run before any fault (exit 4), e.g. a selector matching no pod. */
export class PreflightError extends InfraError {
  override readonly name: string = 'PreflightError';
}

/** A fault refused to go on because a guardrail would be crossed (the run aborts: exit 3). */
export class GuardrailError extends ReboundError {
  override readonly name: string = 'GuardrailError';
  constructor(message: string, readonly guardrail: string) {
    super(message);
  }
}
