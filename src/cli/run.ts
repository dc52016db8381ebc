// Placeholder until the 'run' command lands; replaced by its owner.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("rebound run: not implemented yet\n");
  return 4;
}
