import type { Figure } from './report';

/**
 * The figures of several rounds of the same benchmarks, one per figure: the figure of the round
 * whose value is that figure's median (lower median for an even count), so its unit and verdict
 * come from the same run. On a shared machine a single round moves with the load; the median of
 * rounds taken turn about with another commit's is the figure to compare.
 */
export function medianOfRounds(rounds: readonly (readonly Figure[])[]): Figure[] {
  const [first] = rounds;
  if (!first) return [];
  return first.map((figure) => {
    const same = rounds
      .map((round) => round.find((f) => f.benchmark === figure.benchmark && f.figure === figure.figure))
      .filter((f): f is Figure => f !== undefined)
      .sort((a, b) => a.value - b.value);
    return same[Math.floor((same.length - 1) / 2)] ?? figure;
  });
}
