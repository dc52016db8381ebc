// Placeholder until the 'validate' command lands; replaced by its owner.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("rebound validate: not implemented yet\n");
  return 4;
}
