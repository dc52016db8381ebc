/**
 * Terminal column widths of plain text (no ANSI), so that tables line up when user text holds
 * CJK, emoji or combining marks: a grapheme is 2 columns when it is East Asian wide or an emoji
 * shown as an emoji, 0 when it is only format or combining characters, else 1.
 */

import { splitHeadline } from '../check-summary.ts';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** East Asian Wide / Fullwidth blocks (the common ones; exact tables are not worth a dependency here). */
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/u;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;

function graphemeWidth(grapheme: string): number {
  if (ZERO.test(grapheme)) return 0;
  return WIDE.test(grapheme) || EMOJI.test(grapheme) ? 2 : 1;
}

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const g of graphemes(text)) width += graphemeWidth(g);
  return width;
}

/** Pads with spaces to `width` columns (never cuts). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Cuts to at most `width` columns, ending in `…` when anything was cut. */
export function truncateToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = graphemeWidth(g);
    if (used + w > width - 1) break;
    out += g;
    used += w;
  }
  return `${out.trimEnd()}…`;
}

/**
 * Word-wraps to `width` columns, every line starting with `indent`. A word longer than a line
 * (a URL, a path) stays whole on its own line rather than being split.
 */
export function wrap(text: string, width: number, indent: string): string[] {
  const room = Math.max(1, width - displayWidth(indent));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (line && displayWidth(line) + 1 + displayWidth(word) > room) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/**
 * Fits a headline line (`label value`, see splitHeadline) into a table column `width` wide: the
 * label word-wrapped (a word wider than the column split across lines), the value kept in one
 * piece after it (`50 % ± 20 %` never loses its unit to the next line). Nothing is cut.
 */
export function wrapCell(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const { label, value } = splitHeadline(text);
  const lines: string[] = [];
  const add = (piece: string) => {
    const last = lines.at(-1);
    if (last !== undefined && displayWidth(last) + 1 + displayWidth(piece) <= width) lines[lines.length - 1] = `${last} ${piece}`;
    else lines.push(piece);
  };
  for (const word of label.split(/ +/).filter(Boolean)) splitWord(word, width).forEach(add);
  if (displayWidth(value) <= width) add(value);
  else for (const word of value.split(/ +/).filter(Boolean)) splitWord(word, width).forEach(add);
  return lines.length ? lines : [''];
}

function splitWord(word: string, width: number): string[] {
  if (displayWidth(word) <= width) return [word];
  const chunks: string[] = [];
  let chunk = '';
  for (const g of graphemes(word)) {
    if (chunk && displayWidth(chunk + g) > width) {
      chunks.push(chunk);
      chunk = '';
    }
    chunk += g;
  }
  if (chunk) chunks.push(chunk);
  return chunks;
}
