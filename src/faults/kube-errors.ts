/** Kubernetes client errors as one readable line (kept free of client-node so that it loads cheaply). */
export function describeKubeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const withCode = error as { code?: unknown; body?: unknown; cause?: { code?: string } };
  if (typeof withCode.code === 'number') {
    const body = typeof withCode.body === 'string' ? parseStatusMessage(withCode.body) : undefined;
    return `HTTP ${withCode.code}${body ? `: ${body}` : ''}`;
  }
  const cause = withCode.cause?.code;
  const code = /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)\b/.exec(error.message)?.[1];
  return cause ?? code ?? error.message;
}

function parseStatusMessage(body: string): string | undefined {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    return typeof status.message === 'string' ? status.message : undefined;
  } catch {
    return body.slice(0, 200) || undefined;
  }
}
