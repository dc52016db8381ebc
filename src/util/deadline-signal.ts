/**
 * A request deadline, optionally combined with another abort signal.
 *
 * Not `AbortSignal.any([AbortSignal.timeout(ms), other])`: on Node 20 the composite holds its
 * sources weakly and a timeout signal without listeners is collectable, so after a garbage
 * collection the deadline never fires and a request to a server that never answers waits for
 * undici's 5-minute header timeout. Here the timer holds the controller, so the deadline fires
 * whatever the collector does. Like `AbortSignal.timeout`, the timer does not keep the process alive
 * and the reason is a `TimeoutError` DOMException.
 */
export function deadlineSignal(timeoutMs: number, other?: AbortSignal): AbortSignal {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`The operation was aborted due to timeout`, 'TimeoutError')), timeoutMs);
  timer.unref();
  deadline.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  if (!other) return deadline.signal;
  const combined = AbortSignal.any([deadline.signal, other]);
  // The composite must outlive a collection too: it stops the timer once either source fired.
  combined.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return combined;
}
