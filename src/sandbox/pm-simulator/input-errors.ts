/** Input to the simulator's state, from a test or an admin request, that it cannot apply. */
export class SimulatorInputError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${field} ${JSON.stringify(value) ?? 'undefined'} is invalid; expected ${expected}`);
    this.name = 'SimulatorInputError';
  }
}
