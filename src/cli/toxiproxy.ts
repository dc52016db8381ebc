// Placeholder until the 'toxiproxy' command lands; replaced by its owner.
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("rebound toxiproxy: not implemented yet\n");
  return 4;
}
