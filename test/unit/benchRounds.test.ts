import { describe, expect, it } from 'vitest';
import type { Figure } from '../../bench/report';
import { medianOfRounds } from '../../bench/rounds';

const figure = (name: string, value: number, unit = 'ms'): Figure => ({
  benchmark: 'b',
  figure: name,
  value,
  unit,
  goal: 'report',
});

describe('bench: the median of rounds', () => {
  it('keeps, per figure, the round with the median value, unit and all, in the first round’s order', () => {
    const rounds = [
      [figure('cpu', 5, 'ms (load 9)'), figure('rate', 40)],
      [figure('cpu', 2, 'ms (load 1)'), figure('rate', 90)],
      [figure('cpu', 3, 'ms (load 4)'), figure('rate', 70)],
    ];
    expect(medianOfRounds(rounds)).toEqual([figure('cpu', 3, 'ms (load 4)'), figure('rate', 70)]);
  });

  it('takes the lower median of an even count, and a figure only some rounds have from those', () => {
    const rounds = [[figure('cpu', 4), figure('slots', 3.9)], [figure('cpu', 2)]];
    expect(medianOfRounds(rounds)).toEqual([figure('cpu', 2), figure('slots', 3.9)]);
    expect(medianOfRounds([])).toEqual([]);
  });
});
