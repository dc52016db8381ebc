// FAKE k6 — a test double that mimics the part of k6's CLI Rebound uses, so the k6 driver's
// spawn / stream / abort / exit-code paths run end to end without a k6 binary (none can be
// installed here). It is faithful to k6's documented surfaces, not to its internals:
//   - `k6 version` prints "k6 v0.48.0-fake (go1.21.4, linux/amd64)" (k6's format).
//   - `k6 run --out json=FILE --summary-export FILE [--quiet --no-color --address A] SCRIPT`
//     sends REAL HTTP requests (node:http) at the arrival rate of the script's single
//     constant- or ramping-arrival-rate scenario, and writes k6's JSON output lines
//     (grafana/k6 output/json: {"metric","type":"Point","data":{time,value,tags}}, 9 points
//     per request in k6's trail order, RFC 3339 nano timestamps = request END time, status "0"
//     + error_code for transport errors, error_code 1000+status for >= 400, expected_response,
//     dropped_iterations when maxVUs are busy), flushed periodically like k6's json output.
//   - It cannot run JavaScript as k6 does: it reads `export const options = {…};` and the
//     generated script's `const plan = {…};` (both single-line JSON). A user script gives its
//     target with a `// fake-k6: {"url": …}` comment; the same comment can force an exit
//     (`"exit": 107, "stderr": "…"`) to simulate k6 failing.
//   - Thresholds `rate<N` on http_req_failed and `p(95)<N` / `avg<N` on http_req_duration are
//     evaluated; failures → summary-export booleans true (k6's inverted convention) and exit 99.
//   - SIGINT: stop starting iterations, abort in-flight requests, flush, exit 105.
import fs from 'node:fs';
import http from 'node:http';

const keepAlive = new http.Agent({ keepAlive: true });
const argv = process.argv.slice(2);
if (argv[0] === 'version') {
  process.stdout.write('k6 v0.48.0-fake (go1.21.4, linux/amd64)\n');
  process.exit(0);
}
if (argv[0] !== 'run') {
  logError(`unknown command "${argv[0]}" for "k6"`);
  process.exit(255);
}

let outFile, summaryFile, scriptPath;
for (let i = 1; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--out' || arg === '-o') outFile = argv[++i].replace(/^json=/, '');
  else if (arg.startsWith('--out=')) outFile = arg.slice(6).replace(/^json=/, '');
  else if (arg === '--summary-export') summaryFile = argv[++i];
  else if (arg === '--address' || arg === '-a') i++;
  else if (arg.startsWith('--')) continue;
  else scriptPath = arg;
}

function logError(message) {
  process.stderr.write(`time="${new Date().toISOString()}" level=error msg=${JSON.stringify(message)}\n`);
}

let source;
try {
  source = fs.readFileSync(scriptPath, 'utf8');
} catch {
  logError(`The moduleSpecifier "${scriptPath}" couldn't be found on local disk.`);
  process.exit(107);
}
const directive = JSON.parse(/^\/\/ fake-k6: (.*)$/m.exec(source)?.[1] ?? '{}');
if (directive.exit !== undefined) {
  if (directive.stderr) logError(directive.stderr);
  setTimeout(() => process.exit(directive.exit), directive.delayMs ?? 0);
} else {
  const optionsMatch = /^export const options = (.*);$/m.exec(source);
  if (!optionsMatch) {
    logError('fake-k6: options must be a single-line JSON literal');
    process.exit(104);
  }
  const options = JSON.parse(optionsMatch[1]);
  const planMatch = /^const plan = (.*);$/m.exec(source);
  const plan = planMatch
    ? JSON.parse(planMatch[1])
    : { requests: [{ name: directive.url, method: 'GET', url: directive.url, headers: {}, body: null }], sequence: [0], timeoutMs: 60000, statuses: [[200, 399]], servedByHeader: null, header: null, bodyPattern: null, emitResponse: false };
  run(options, plan);
}

function run(options, plan) {
  const [scenarioName, scenario] = Object.entries(options.scenarios)[0];
  const unitS = parseDuration(scenario.timeUnit ?? '1s') / 1000;
  const gracefulStopMs = parseDuration(scenario.gracefulStop ?? '30s');
  const stages = scenario.executor === 'constant-arrival-rate'
    ? [{ from: scenario.rate, to: scenario.rate, ms: parseDuration(scenario.duration) }]
    : rampStages(scenario);
  const totalMs = stages.reduce((sum, stage) => sum + stage.ms, 0);
  const maxVUs = scenario.maxVUs ?? scenario.preAllocatedVUs ?? 1;
  const systemTags = options.systemTags;
  const out = [];
  const stats = { reqs: 0, failed: 0, durations: [] };
  const inFlight = new Set();
  let iteration = 0;
  let stopping = false;
  let interrupted = false;

  const flush = () => {
    if (out.length > 0) fs.appendFileSync(outFile, out.join(''));
    out.length = 0;
  };
  const flusher = setInterval(flush, 100);
  for (const metric of ['http_reqs', 'http_req_duration', 'http_req_failed', 'dropped_iterations']) {
    out.push(JSON.stringify({ type: 'Metric', data: { name: metric, type: metric === 'http_req_failed' ? 'rate' : metric === 'http_req_duration' ? 'trend' : 'counter', contains: metric === 'http_req_duration' ? 'time' : 'default', thresholds: options.thresholds?.[metric] ?? [], submetrics: null }, metric }) + '\n');
  }

  const start = performance.now();
  // Arrival times: integrate the (piecewise linear) rate; iteration n starts when ∫rate = n.
  let next = 0;
  const schedule = () => {
    if (stopping) return;
    const now = performance.now() - start;
    while (!stopping) {
      const at = arrivalTime(stages, unitS, next);
      if (at === undefined || at >= totalMs) return finish();
      if (at > now) {
        setTimeout(schedule, Math.min(at - now, 50));
        return;
      }
      next++;
      if (inFlight.size >= maxVUs) {
        point('dropped_iterations', new Date(), 1, { scenario: scenarioName });
        continue;
      }
      startIteration(iteration++);
    }
  };

  function startIteration(n) {
    const request = plan.requests[plan.sequence[n % plan.sequence.length]];
    const vu = String((n % maxVUs) + 1);
    const began = performance.now();
    const url = new URL(request.url);
    let settled = false;
    const req = http.request(url, { method: request.method, headers: request.headers, agent: keepAlive });
    inFlight.add(req);
    const timer = setTimeout(() => done(undefined, { code: 1050, message: 'request timeout' }), plan.timeoutMs);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => done(res, undefined, Buffer.concat(chunks).toString()));
      res.on('error', (error) => done(undefined, errorCode(error)));
    });
    req.on('error', (error) => done(undefined, errorCode(error)));
    if (request.body !== null) req.write(request.body);
    req.end();

    function done(res, error, body) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(req);
      if (error) req.destroy();
      const end = new Date();
      const durationMs = performance.now() - began;
      const status = res ? res.statusCode : 0;
      const expected = plan.statuses.some(([low, high]) => status >= low && status <= high);
      const tags = { method: request.method, name: request.name, scenario: scenarioName, status: String(status), expected_response: String(expected), proto: res ? 'HTTP/1.1' : '', group: '', url: request.url };
      if (error) Object.assign(tags, { error: error.message, error_code: String(error.code) });
      else if (status >= 400) tags.error_code = String(1000 + status);
      if (plan.emitResponse) tags.rebound_vu = vu;
      const shown = filterTags(tags, systemTags);
      // k6's trail order; every point carries the request's end time.
      point('http_reqs', end, 1, shown);
      point('http_req_duration', end, durationMs, shown);
      point('http_req_blocked', end, 0, shown);
      point('http_req_connecting', end, 0, shown);
      point('http_req_tls_handshaking', end, 0, shown);
      point('http_req_sending', end, 0.01, shown);
      point('http_req_waiting', end, durationMs - 0.02, shown);
      point('http_req_receiving', end, 0.01, shown);
      point('http_req_failed', end, expected ? 0 : 1, shown);
      stats.reqs++;
      if (!expected) stats.failed++;
      stats.durations.push(durationMs);
      if (plan.emitResponse) {
        let ok = true;
        const header = (name) => (res ? res.headers[name.toLowerCase()] : undefined);
        if (plan.header) ok = header(plan.header.name) !== undefined && new RegExp(plan.header.pattern).test(header(plan.header.name));
        if (ok && plan.bodyPattern !== null) ok = typeof body === 'string' && new RegExp(plan.bodyPattern).test(body);
        const servedBy = plan.servedByHeader ? header(plan.servedByHeader) : undefined;
        point('rebound_response', new Date(), ok ? 1 : 0, { rebound_vu: vu, scenario: scenarioName, served_by: servedBy === undefined ? '' : String(servedBy) });
      }
      if (stopping && inFlight.size === 0) exitNow();
    }
  }

  function point(metric, time, value, tags) {
    out.push(`{"metric":${JSON.stringify(metric)},"type":"Point","data":{"time":"${rfc3339Nano(time)}","value":${value},"tags":${JSON.stringify(sortKeys(tags))}}}\n`);
  }

  let graceTimer;
  function finish() {
    if (stopping) return;
    stopping = true;
    if (inFlight.size === 0) return exitNow();
    graceTimer = setTimeout(() => {
      for (const req of inFlight) req.destroy(new Error('context canceled'));
      exitNow();
    }, interrupted ? 0 : gracefulStopMs);
  }

  let exited = false;
  function exitNow() {
    if (exited) return;
    exited = true;
    clearTimeout(graceTimer);
    clearInterval(flusher);
    flush();
    const failures = writeSummary(options, stats);
    keepAlive.destroy();
    process.exit(interrupted ? 105 : failures > 0 ? 99 : 0);
  }

  process.on('SIGINT', () => {
    interrupted = true;
    stopping = false;
    finish();
  });
  schedule();
}


function errorCode(error) {
  if (error.code === 'ECONNREFUSED') return { code: 1212, message: 'dial: connection refused' };
  if (error.code === 'ECONNRESET') return { code: 1220, message: 'read: connection reset by peer' };
  if (error.code === 'EPIPE') return { code: 1201, message: 'write: broken pipe' };
  return { code: 1000, message: error.message };
}

function filterTags(tags, systemTags) {
  if (!systemTags) return tags;
  const keep = new Set([...systemTags, 'rebound_vu']);
  return Object.fromEntries(Object.entries(tags).filter(([key]) => keep.has(key)));
}

function sortKeys(tags) {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Go's RFC3339Nano in UTC: trailing zeros of the fraction trimmed, no fraction on a whole second. */
function rfc3339Nano(date) {
  const iso = date.toISOString(); // 2024-01-01T00:00:00.123Z
  const micros = String(Math.floor((performance.timeOrigin + performance.now()) * 1000) % 1000).padStart(3, '0');
  const fraction = (iso.slice(20, 23) + micros).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? '.' + fraction : ''}Z`;
}

function parseDuration(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(text));
  if (!match) throw new Error(`fake-k6: unsupported duration ${text}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60000, h: 3600000 }[match[2]];
}

function rampStages(scenario) {
  let from = scenario.startRate ?? 0;
  return scenario.stages.map((stage) => {
    const result = { from, to: stage.target, ms: parseDuration(stage.duration) };
    from = stage.target;
    return result;
  });
}

/** Time (ms) at which the n-th arrival happens: ∫rate dt = n + 0 (first at t=0). */
function arrivalTime(stages, unitS, n) {
  let count = 0;
  let offset = 0;
  for (const stage of stages) {
    const a = stage.from / (unitS * 1000);
    const b = (stage.to - stage.from) / (unitS * 1000) / stage.ms;
    const inStage = a * stage.ms + (b * stage.ms * stage.ms) / 2;
    if (count + inStage > n) {
      const need = n - count;
      const t = b === 0 ? need / a : (-a + Math.sqrt(a * a + 2 * b * need)) / b;
      return offset + t;
    }
    count += inStage;
    offset += stage.ms;
  }
  return undefined;
}

function writeSummary(options, stats) {
  let failures = 0;
  const rate = stats.reqs === 0 ? 0 : stats.failed / stats.reqs;
  const sorted = [...stats.durations].sort((a, b) => a - b);
  const p95 = sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
  const avg = sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const observed = { http_req_failed: { rate }, http_req_duration: { 'p(95)': p95, avg } };
  const metrics = { http_reqs: { count: stats.reqs }, http_req_failed: { value: rate, passes: stats.failed, fails: stats.reqs - stats.failed }, http_req_duration: { avg, 'p(95)': p95 } };
  for (const [metric, expressions] of Object.entries(options.thresholds ?? {})) {
    const results = {};
    for (const expression of expressions) {
      const match = /^(rate|avg|p\(95\))<(\d+(?:\.\d+)?)$/.exec(expression);
      const value = match ? observed[metric]?.[match[1]] : undefined;
      const failed = value === undefined || !(value < Number(match[2]));
      if (failed) failures++;
      results[expression] = failed; // k6's summary-export: true = FAILED (grafana/k6#1498)
    }
    metrics[metric] = { ...(metrics[metric] ?? {}), thresholds: results };
  }
  if (summaryFile) fs.writeFileSync(summaryFile, JSON.stringify({ root_group: {}, options: {}, state: {}, metrics }));
  return failures;
}
