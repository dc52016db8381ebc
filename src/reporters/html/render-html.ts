/** Result → one self-contained report.html (inline CSS and SVG, no script, no network). */
import { readFileSync } from 'node:fs';
import HandlebarsModule from 'handlebars';
import type { Result } from '../../result/result.ts';
import { registerHelpers } from './helpers.ts';
import { buildReportView } from './view-model.ts';

const TEMPLATES = new URL('./templates/', import.meta.url);

let compiled: HandlebarsModule.TemplateDelegate | undefined;
let css = '';

function template(): HandlebarsModule.TemplateDelegate {
  if (compiled) return compiled;
  const handlebars = HandlebarsModule.create();
  registerHelpers(handlebars);
  handlebars.registerPartial('chart', readFileSync(new URL('chart.hbs', TEMPLATES), 'utf8'));
  handlebars.registerPartial('failures', readFileSync(new URL('failures.hbs', TEMPLATES), 'utf8'));
  handlebars.registerPartial('trend', readFileSync(new URL('trend.hbs', TEMPLATES), 'utf8'));
  css = readFileSync(new URL('styles.css', TEMPLATES), 'utf8');
  // noEscape stays false: every {{…}} is HTML-escaped; only the static CSS uses {{{…}}}.
  compiled = handlebars.compile(readFileSync(new URL('report.hbs', TEMPLATES), 'utf8'), { noEscape: false });
  return compiled;
}

export function renderHtml(result: Result): string {
  const render = template();
  return render({ ...buildReportView(result), css });
}
