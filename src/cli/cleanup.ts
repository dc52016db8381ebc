// Placeholder until the 'cleanup' command lands; replaced by its owner.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("rebound cleanup: not implemented yet\n");
  return 4;
}
