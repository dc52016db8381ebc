/**
 * Whether to write ANSI colour, decided once per command. The rule, in order:
 * 1. `--no-color`, or NO_COLOR set to anything but '' (no-color.org) → off;
 * 2. FORCE_COLOR set: '', '1', 'true', '2' or '3' → on, any other value ('0', 'false') → off,
 *    as Node's own tty getColorDepth() and the supports-color/chalk ecosystem read it;
 * 3. otherwise, whether the stream is a terminal.
 * NO_COLOR wins over FORCE_COLOR here (Node lets FORCE_COLOR win, with a warning): asking for
 * no colour is the safer request to honour.
 */
const FORCE_COLOR_ON = new Set(['', '1', 'true', '2', '3']);

export interface ColorFlags {
  /** `--no-color` on the command line. */
  readonly noColorFlag?: boolean;
}

export function decideColor(env: NodeJS.ProcessEnv, isTTY: boolean, flags: ColorFlags = {}): boolean {
  if (flags.noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return FORCE_COLOR_ON.has(env.FORCE_COLOR);
  return isTTY;
}
