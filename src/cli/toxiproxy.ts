import { open } from 'node:fs/promises';
import { InfraError, ReboundError } from '../errors.ts';
import { EXIT } from '../result/exit-codes.ts';
import { startToxiproxy, TOXIPROXY_VERSION } from '../toxiproxy/index.ts';
import { watchForStop } from './stop-request.ts';

const USAGE = `Usage: rebound toxiproxy [--host 127.0.0.1] [--port 8474] [--config proxies.json]

Runs the embedded Toxiproxy-compatible server (Toxiproxy ${TOXIPROXY_VERSION} HTTP API) in the
foreground until SIGINT, SIGTERM or SIGHUP, or until its parent process is gone
(\`npx rebound toxiproxy & … kill $!\` stops it too). Script it with curl or any Toxiproxy client.

Options:
  --host HOST   address to serve the API on (default 127.0.0.1; 0.0.0.0 for every interface)
  --port PORT   API port (default 8474; 0 picks a free port)
  --config FILE proxies to create at start, a JSON array as POST /populate takes it
                ([{"name","listen","upstream","enabled"}], like toxiproxy-server -config);
                unlike toxiproxy-server, a bad file stops the start (exit 2)
  -h, --help    show this help
`;

interface Options {
  host: string;
  port: number;
  config?: string;
}

class BadFlag extends Error {}

function parseArgs(argv: string[]): Options | 'help' {
  const options: Options = { host: '127.0.0.1', port: 8474 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--host' && flag !== '--port' && flag !== '--config') throw new BadFlag(`unknown option '${arg}'`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new BadFlag(`${flag} needs a value`);
    if (flag === '--host') {
      options.host = value;
    } else if (flag === '--config') {
      options.config = value;
    } else {
      const port = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(port >= 0 && port <= 65535)) throw new BadFlag(`--port must be an integer from 0 to 65535, got '${value}'`);
      options.port = port;
    }
  }
  return options;
}

export async function main(argv: string[]): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof BadFlag)) throw error;
    process.stderr.write(`rebound toxiproxy: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return EXIT.passed;
  }

  let populate: unknown;
  if (options.config !== undefined) {
    try {
      populate = await readProxiesFile(options.config);
    } catch (error) {
      process.stderr.write(`rebound toxiproxy: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
  }
  const stop = watchForStop(); // before listening, so an early signal still closes cleanly
  let server;
  try {
    server = await startToxiproxy({ host: options.host, port: options.port, ...(options.config !== undefined ? { populate } : {}) });
  } catch (error) {
    stop.dispose();
    if (!(error instanceof ReboundError)) throw error;
    const hint = error instanceof InfraError && error.hint ? ` (${error.hint})` : '';
    const where = options.config !== undefined && error.message.startsWith('cannot create the configured proxies') ? `${options.config}: ` : '';
    process.stderr.write(`rebound toxiproxy: ${where}${error.message}${hint}\n`);
    return error instanceof InfraError ? EXIT.error : EXIT.usage;
  }
  process.stdout.write(`Rebound Toxiproxy ${TOXIPROXY_VERSION} serving ${server.url} (SIGINT/SIGTERM to stop)\n`);
  const reason = await stop.received;
  process.stdout.write(`rebound toxiproxy: ${reason}, closing every proxy and connection\n`);
  await server.close();
  return EXIT.passed;
}

const CONFIG_LIMIT_BYTES = 1024 * 1024;

async function readProxiesFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > CONFIG_LIMIT_BYTES) throw new Error(`larger than ${CONFIG_LIMIT_BYTES} bytes`);
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${file}: cannot read the config: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
}
