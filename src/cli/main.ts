import { EXIT } from '../result/exit-codes.ts';

/** Each command module exports `main(argv) → exit code`; it is imported only when used. */
type CommandMain = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main: CommandMain }> }> = {
  run: { summary: 'run an experiment and write its reports', load: () => import('./run.ts') },
  validate: { summary: 'validate experiment files', load: () => import('./validate.ts') },
  report: { summary: 're-render reports from a result.json', load: () => import('./report.ts') },
  compare: { summary: 'compare two runs check by check and flag regressions', load: () => import('./compare.ts') },
  cleanup: { summary: 'revert faults a crashed run left in its journal', load: () => import('./cleanup.ts') },
  toxiproxy: { summary: 'run the embedded Toxiproxy-compatible server', load: () => import('./toxiproxy.ts') },
  cluster: { summary: 'run the local Kubernetes-API control plane', load: () => import('./cluster.ts') },
  load: { summary: 'drive HTTP load at a URL (open or closed model)', load: () => import('./load.ts') },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: rebound <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'rebound <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? EXIT.usage : EXIT.passed;
  }
  if (name === '--version' || name === '-v') {
    const { REBOUND_VERSION } = await import('../version.ts');
    process.stdout.write(`${REBOUND_VERSION}\n`);
    return EXIT.passed;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`rebound: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  const module = await command.load();
  return module.main(rest);
}
