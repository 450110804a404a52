// First-position win rate as the report should print it: over decisive
// verdicts only, with the tie share beside it. Counting ties in the
// denominator (first wins / all verdicts) makes a position-neutral judge
// with 19% ties look biased against the first answer (0.404 instead of 0.5).
import { signTest } from './binomial.js';
import { wilsonInterval, type Interval } from './intervals.js';

/** Which shown position won one comparison. */
export type PositionOutcome = 'first' | 'second' | 'tie';

export interface FirstPositionRate {
  firstWins: number;
  secondWins: number;
  ties: number;
  /** All verdicts, ties included. */
  verdicts: number;
  /** firstWins / (firstWins + secondWins); null with no decisive verdict. 0.5 = position-neutral. */
  firstWinRate: number | null;
  /** Wilson 95% interval of firstWinRate; null with no decisive verdict. */
  ci95: Interval | null;
  /** ties / verdicts; null with no verdicts. */
  tieShare: number | null;
  /** Exact two-sided sign test of first against second wins (p = 1 with no decisive verdict). */
  p: number;
  log10p: number;
}

/**
 * First-position win rate without ties, and the tie share.
 *
 * @example
 * // 40 first, 40 second, 19 ties: rate 0.5 (not 40/99 = 0.404), tie share 19/99.
 * firstPositionWinRate([...Array(40).fill('first'), ...Array(40).fill('second'), ...Array(19).fill('tie')]);
 * // → { firstWinRate: 0.5, tieShare: 0.1919…, p: 1, … }
 */
export function firstPositionWinRate(outcomes: ArrayLike<PositionOutcome>): FirstPositionRate {
  let firstWins = 0;
  let secondWins = 0;
  let ties = 0;
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i];
    if (o === 'first') firstWins++;
    else if (o === 'second') secondWins++;
    else if (o === 'tie') ties++;
    else throw new RangeError(`firstPositionWinRate: outcome ${i} must be 'first', 'second' or 'tie', got ${String(o)}`);
  }
  const decisive = firstWins + secondWins;
  const verdicts = decisive + ties;
  const test = signTest(firstWins, secondWins);
  return {
    firstWins,
    secondWins,
    ties,
    verdicts,
    firstWinRate: decisive === 0 ? null : firstWins / decisive,
    ci95: wilsonInterval(firstWins, decisive),
    tieShare: verdicts === 0 ? null : ties / verdicts,
    p: test.p,
    log10p: test.log10p,
  };
}
