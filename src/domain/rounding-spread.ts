import { compareDecimals, Decimal } from './money';

/** What decides a group's turn when a rounding difference is spread. */
export interface SpreadCandidate {
  /** The group's exact amount minus its rounded amount: positive when rounding made it smaller. */
  residue: Decimal;
  /** The group's amount; among equal residues the larger amount comes first. */
  size: number;
}

/**
 * Spreads a difference of whole minor units over groups, one unit at a time, by the largest remainder method.
 * A unit of +1 goes first to the group that rounding made smallest against its exact amount, a unit of -1 to
 * the group that rounding made largest. Equal residues go to the larger amount, then to the earlier group, so
 * the result is deterministic. A difference larger than the number of groups that can take it cycles through
 * them again. `apply` adds one unit (1 or -1) to a group and returns false when that group cannot take it.
 * Returns false when the difference could not be used up.
 */
export function spreadDifference<T>(
  difference: number,
  groups: T[],
  candidate: (group: T) => SpreadCandidate,
  apply: (group: T, unit: number) => boolean,
): boolean {
  const unit = Math.sign(difference);
  const ordered = groups
    .map((group, index) => ({ group, index, ...candidate(group) }))
    .sort(
      (a, b) =>
        unit * compareDecimals(b.residue, a.residue) || Math.abs(b.size) - Math.abs(a.size) || a.index - b.index,
    )
    .map(({ group }) => group);

  let remaining = difference;
  while (remaining !== 0) {
    let applied = false;
    for (const group of ordered) {
      if (remaining === 0) break;
      if (apply(group, unit)) {
        remaining -= unit;
        applied = true;
      }
    }
    if (!applied) return false;
  }
  return true;
}
