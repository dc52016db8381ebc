// Placeholder until the 'report' command lands; replaced by its owner.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("rebound report: not implemented yet\n");
  return 4;
}
