/** Rebound's success statuses as a predicate (default 200-399, as SuccessRule documents). */
export function statusRule(statuses: readonly (readonly [number, number])[]): (status: number) => boolean {
  const ranges = statuses.length > 0 ? statuses : [[200, 399] as const];
  return (status) => {
    for (const [low, high] of ranges) if (status >= low && status <= high) return true;
    return false;
  };
}
