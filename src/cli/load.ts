// Placeholder until the 'load' command lands; replaced by its owner.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("rebound load: not implemented yet\n");
  return 4;
}
