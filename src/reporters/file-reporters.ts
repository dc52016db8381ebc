/** One reporter per output file; each writes atomically under outDir and returns the path. */
import { appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Result } from '../result/result.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { Reporter } from './reporter.ts';
import { renderHtml } from './html/render-html.ts';
import { renderJunit } from './junit/render-junit.ts';
import { renderMarkdown } from './markdown/render-markdown.ts';

export const REPORT_FILES = {
  json: 'result.json',
  html: 'report.html',
  junit: 'junit.xml',
  markdown: 'summary.md',
} as const;

export type ReportFormat = keyof typeof REPORT_FILES;

export function serializeResult(result: Result): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

async function write(outDir: string, format: ReportFormat, content: string): Promise<readonly string[]> {
  const path = resolve(join(outDir, REPORT_FILES[format]));
  await writeFileAtomic(path, content);
  return [path];
}

export function jsonReporter(): Reporter {
  return { name: 'json', onRunEnd: (result, outDir) => write(outDir, 'json', serializeResult(result)) };
}

export function htmlReporter(): Reporter {
  return { name: 'html', onRunEnd: (result, outDir) => write(outDir, 'html', renderHtml(result)) };
}

export function junitReporter(): Reporter {
  return { name: 'junit', onRunEnd: (result, outDir) => write(outDir, 'junit', renderJunit(result)) };
}

export interface MarkdownReporterOptions {
  /** Write summary.md in outDir. */
  readonly file: boolean;
  /** Also append the summary to this file ($GITHUB_STEP_SUMMARY). */
  readonly githubStepSummary?: string;
  readonly htmlArtifactName?: string;
  /** Whether report.html is written next to it (linked from the summary). */
  readonly withHtml: boolean;
  /** Running under GitHub Actions (GITHUB_ACTIONS=true): the summary names where the report travels. */
  readonly githubActions?: boolean;
}

export function markdownReporter(options: MarkdownReporterOptions): Reporter {
  return {
    name: 'markdown',
    async onRunEnd(result, outDir) {
      const markdown = renderMarkdown(result, {
        ...(options.htmlArtifactName ? { htmlArtifactName: options.htmlArtifactName } : {}),
        // summary.md sits next to report.html; a relative link works wherever the directory travels.
        ...(options.withHtml ? { htmlPath: REPORT_FILES.html } : {}),
        ...(options.githubActions ? { githubActions: true } : {}),
      });
      const written = options.file ? await write(outDir, 'markdown', markdown) : [];
      if (options.githubStepSummary) await appendFile(options.githubStepSummary, `${markdown}\n`);
      return written;
    },
  };
}
