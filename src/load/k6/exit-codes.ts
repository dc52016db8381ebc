import { InfraError } from '../../errors.ts';

/**
 * k6's process exit codes (grafana/k6 errext/exitcodes/codes.go) and what they mean to Rebound.
 * Only 0, 99 and 105 are outcomes of a run that did its job; everything else is a harness error.
 */
export const K6_EXIT = {
  ok: 0,
  thresholdsFailed: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  genericTimeout: 102,
  genericEngine: 103,
  invalidConfig: 104,
  externalAbort: 105,
  cannotStartRestApi: 106,
  scriptException: 107,
  scriptAborted: 108,
} as const;

const MEANING: Readonly<Record<number, string>> = {
  100: 'setup() timed out',
  101: 'teardown() timed out',
  102: 'timed out',
  103: 'engine error',
  104: 'invalid configuration',
  106: 'cannot start its REST API',
  107: 'script exception',
  108: 'script aborted',
  255: 'generic error',
};

export type K6ExitOutcome = 'completed' | 'thresholds-failed' | 'interrupted';

/**
 * Maps how k6 ended to an outcome, or throws InfraError with k6's own message.
 * `stoppedByUs`: Rebound sent SIGINT/SIGKILL (abort or deadline), so 105 or a signal is expected.
 */
export function interpretK6Exit(
  code: number | null,
  signal: NodeJS.Signals | null,
  stoppedByUs: boolean,
  stderrTail: string,
): K6ExitOutcome {
  if (code === K6_EXIT.ok) return 'completed';
  if (code === K6_EXIT.thresholdsFailed) return 'thresholds-failed';
  if (code === K6_EXIT.externalAbort) return 'interrupted';
  if (code === null && stoppedByUs) return 'interrupted';
  const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}${MEANING[code] ? ` (${MEANING[code]})` : ''}`;
  const message = lastMeaningfulLines(stderrTail);
  throw new InfraError(`k6 ${how}${message ? `: ${message}` : ''}`, code === K6_EXIT.invalidConfig || code === K6_EXIT.scriptException ? 'check the k6 script and its options' : undefined);
}

/** k6 logs with logrus (`time="…" level=error msg="…"`); keep the last error-ish lines, bounded. */
function lastMeaningfulLines(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => /level=(error|fatal)|^error|Error|panic/.test(line));
  const chosen = (errors.length > 0 ? errors : lines).slice(-3);
  return chosen.map(extractLogrusMessage).join(' | ').slice(0, 2000);
}

function extractLogrusMessage(line: string): string {
  const match = /msg="((?:[^"\\]|\\.)*)"/.exec(line);
  return match ? match[1]!.replace(/\\"/g, '"').replace(/\\n/g, ' ') : line;
}
