/**
 * `k6 run` arguments. Rebound only adds outputs and quietness, never options that change
 * the scenarios or thresholds of a user's script.
 */
export function k6RunArgs(files: { script: string; pointsFile: string; summaryFile: string }): string[] {
  return [
    'run',
    '--out', `json=${files.pointsFile}`,
    '--summary-export', files.summaryFile,
    '--quiet',
    '--no-color',
    // k6's REST API defaults to localhost:6565, which a second concurrent k6 could not bind.
    '--address', '127.0.0.1:0',
    files.script,
  ];
}
