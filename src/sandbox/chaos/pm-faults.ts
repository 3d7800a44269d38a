import type { PmSimulatorSettings, PmSimulatorState } from '../pm-simulator/state';
import type { FaultsInjected } from './fault-counts';
import type { TimedFault } from './fault-plan';

type Knob = 'latencyMs' | 'share429' | 'share500' | 'tokenLifetimeSeconds';

/**
 * Turns PM faults of the plan on and off through the simulator's knobs. Windows of the same knob may overlap, so the
 * knob is set to the strongest value of the open windows, and to its calm value when none is open.
 */
export class PmFaultSwitch {
  private readonly open: Record<Knob, number[]> = {
    latencyMs: [],
    share429: [],
    share500: [],
    tokenLifetimeSeconds: [],
  };
  private readonly calm: Pick<PmSimulatorSettings, Knob>;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: PmSimulatorState,
    private readonly counts: FaultsInjected,
  ) {
    const { latencyMs, share429, share500, tokenLifetimeSeconds } = state.settings;
    this.calm = { latencyMs, share429, share500, tokenLifetimeSeconds };
  }

  /** Applies a PM fault now; a window ends by itself after its duration. */
  apply(fault: Exclude<TimedFault, { kind: 'dev-server-restart' }>): void {
    switch (fault.kind) {
      case 'pm-latency':
        this.counts.pmLatency++;
        this.openWindow('latencyMs', fault.latencyMs, fault.durationSeconds);
        break;
      case 'pm-429-burst':
        this.openWindow('share429', fault.share, fault.durationSeconds);
        break;
      case 'pm-500-burst':
        this.openWindow('share500', fault.share, fault.durationSeconds);
        break;
      case 'pm-token-revoked':
        this.counts.pmTokenExpiry++;
        this.state.tokens.revokeAccessTokens();
        if (fault.refreshTokensToo) this.state.tokens.revokeRefreshTokens();
        break;
      case 'pm-token-short-lifetime':
        this.counts.pmTokenExpiry++;
        this.openWindow('tokenLifetimeSeconds', fault.lifetimeSeconds, fault.durationSeconds);
        break;
    }
  }

  /** Ends every open window at once. */
  calmDown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const knob of Object.keys(this.open) as Knob[]) this.open[knob] = [];
    this.state.configure(this.calm);
  }

  private openWindow(knob: Knob, value: number, durationSeconds: number): void {
    this.open[knob].push(value);
    this.setKnob(knob);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.open[knob].splice(this.open[knob].indexOf(value), 1);
      this.setKnob(knob);
    }, durationSeconds * 1000);
    this.timers.add(timer);
  }

  private setKnob(knob: Knob): void {
    if (knob === 'share429' || knob === 'share500') {
      // The simulator takes at most 1 for both shares together, so overlapping bursts share the requests.
      const share429 = this.strongest('share429');
      const share500 = this.strongest('share500');
      const scale = Math.min(1, 1 / (share429 + share500 || 1));
      this.state.configure({ share429: share429 * scale, share500: share500 * scale });
      return;
    }
    this.state.configure({ [knob]: this.strongest(knob) });
  }

  private strongest(knob: Knob): number {
    const values = this.open[knob];
    if (values.length === 0) return this.calm[knob];
    return knob === 'tokenLifetimeSeconds' ? Math.min(...values) : Math.max(...values);
  }
}
