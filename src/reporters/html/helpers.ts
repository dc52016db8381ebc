/**
 * The one place where the report's Handlebars helpers are registered. Helpers return plain
 * strings, which Handlebars escapes ({{…}}); none returns a SafeString, so no helper can
 * smuggle markup from user text into the page.
 */
import type HandlebarsModule from 'handlebars';
import type { CheckVerdict, Verdict } from '../../result/result.ts';
import { CHECK_SYMBOL, VERDICT_SYMBOL } from '../format.ts';

type Handlebars = typeof HandlebarsModule;

/** SVG coordinates with one decimal: keeps the file small and the drawing exact enough. */
export function svgNumber(value: unknown): string {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? String(Math.round(n * 10) / 10) : '0';
}

export const HELPER_NAMES = ['num', 'add', 'sub', 'div2', 'eq', 'checkSymbol', 'verdictSymbol', 'upper'] as const;

export function registerHelpers(handlebars: Handlebars): void {
  // Names must not collide with view-model fields: a helper wins over a field of the same name.
  const helpers: Record<string, (...args: unknown[]) => unknown> = {
    num: (value) => svgNumber(value),
    add: (a, b) => Number(a) + Number(b),
    sub: (a, b) => Number(a) - Number(b),
    div2: (a) => Number(a) / 2,
    eq: (a, b) => a === b,
    checkSymbol: (verdict) => CHECK_SYMBOL[verdict as CheckVerdict] ?? '?',
    verdictSymbol: (verdict) => VERDICT_SYMBOL[verdict as Verdict] ?? '?',
    upper: (text) => String(text ?? '').toUpperCase(),
  };
  for (const [name, helper] of Object.entries(helpers)) {
    // Handlebars passes its options object last; helpers above ignore extra arguments.
    handlebars.registerHelper(name, helper);
  }
}
