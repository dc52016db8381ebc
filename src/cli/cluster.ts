// Placeholder until the 'cluster' command lands; replaced by its owner.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("rebound cluster: not implemented yet\n");
  return 4;
}
