/** ANSI styling for terminal text; with colour off every style returns the text unchanged. */

export type Style = 'green' | 'red' | 'yellow' | 'magenta' | 'dim' | 'bold';

export type Paint = (style: Style, text: string) => string;

/** Each style's open and close codes (closing only what it opened, so styles nest). */
const ANSI: Readonly<Record<Style, readonly [number, number]>> = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export function painter(color: boolean): Paint {
  return color ? (style, text) => `\u001b[${ANSI[style][0]}m${text}\u001b[${ANSI[style][1]}m` : (_style, text) => text;
}
