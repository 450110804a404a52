// Turning the two position orders of one comparison into one outcome for the
// candidate. Judges favour a position; asking both ways and combining is how
// the protocols cancel that bias.
import type { CombineRule, Outcome, Verdict } from '../../core/records.js';

export interface Combined {
  /** null when every order failed. */
  outcome: Outcome | null;
  /** Candidate's share of the vote: 1 win, 0.5 tie, 0 loss. */
  credit: number | null;
}

const CREDIT: Record<Outcome, number> = { win: 1, tie: 0.5, loss: 0 };

/** A verdict about positions, seen from the candidate's side. */
export function outcomeFor(verdict: Verdict | null, order: 'AB' | 'BA'): Outcome | null {
  if (verdict === null) return null;
  if (verdict === 'tie') return 'tie';
  const candidateLabel = order === 'AB' ? 'A' : 'B';
  return verdict === candidateLabel ? 'win' : 'loss';
}

function fromCredit(credit: number): Outcome {
  return credit > 0.5 ? 'win' : credit < 0.5 ? 'loss' : 'tie';
}

/**
 * Combine per-order outcomes (candidate's view; null = that order failed).
 * - strict: the orders must agree, else tie (MT-Bench's conservative rule).
 * - ebm: agreement stands; a tie plus a win (loss) is a win (loss); opposite wins are a tie.
 * - half: each order is half a vote; credit is the mean of 1/0.5/0 and the
 *   outcome follows the credit (0.75 → win, 0.5 → tie, 0.25 → loss).
 * With one order failed (or only one run), the remaining order decides alone
 * under every rule: discarding it would bias results toward the models whose
 * comparisons happen to parse. With all failed the result is null/null.
 */
export function combineOrders(outcomes: Array<Outcome | null>, rule: CombineRule): Combined {
  const ok = outcomes.filter((o): o is Outcome => o !== null);
  if (ok.length === 0) return { outcome: null, credit: null };
  if (ok.length === 1) return { outcome: ok[0]!, credit: CREDIT[ok[0]!] };
  if (ok.length > 2) throw new Error(`combineOrders expects at most two orders, got ${ok.length}`);
  const [x, y] = ok as [Outcome, Outcome];
  switch (rule) {
    case 'strict': {
      const outcome = x === y ? x : 'tie';
      return { outcome, credit: CREDIT[outcome] };
    }
    case 'ebm': {
      let outcome: Outcome;
      if (x === y) outcome = x;
      else if (x === 'tie') outcome = y;
      else if (y === 'tie') outcome = x;
      else outcome = 'tie';
      return { outcome, credit: CREDIT[outcome] };
    }
    case 'half': {
      const credit = (CREDIT[x] + CREDIT[y]) / 2;
      return { outcome: fromCredit(credit), credit };
    }
    default: {
      const never: never = rule;
      throw new Error(`unknown combine rule ${String(never)}`);
    }
  }
}
