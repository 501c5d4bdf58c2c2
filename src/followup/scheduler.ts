import { addDays, osloToday } from '../core/dates.ts';
import { osloInstant } from './oslo-time.ts';

export interface SchedulerOptions {
  /** The daily job (regenerate plans, scan reminders). */
  readonly runDaily: () => Promise<unknown>;
  readonly clock?: () => Date;
  /** Oslo hour of the daily run (default 6, before reminders go out at `sendHourOslo`). */
  readonly hourOslo?: number;
  readonly onError?: (message: string, error: unknown) => void;
  readonly onRun?: (result: unknown) => void;
}

/**
 * Runs the daily follow-up job in the process: once at start (catching up after downtime) and then
 * every day at `hourOslo` Oslo time, computed afresh each day so daylight saving never shifts it.
 * Runs never overlap.
 */
export class DailyScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: SchedulerOptions) {}

  /** Milliseconds from `now` to the next run. */
  msUntilNext(now: Date): number {
    const hour = this.o.hourOslo ?? 6;
    const today = osloToday(now);
    let next = osloInstant(today, hour);
    if (next.getTime() <= now.getTime()) next = osloInstant(addDays(today, 1), hour);
    return next.getTime() - now.getTime();
  }

  start(): void {
    this.stopped = false;
    void this.runNow();
    this.plan();
  }

  private plan(): void {
    if (this.stopped) return;
    const clock = this.o.clock ?? (() => new Date());
    this.timer = setTimeout(() => {
      void this.runNow().finally(() => this.plan());
    }, this.msUntilNext(clock()));
    this.timer.unref();
  }

  /** Runs the job now (or waits for the run in progress). */
  runNow(): Promise<void> {
    if (!this.running) {
      this.running = this.o
        .runDaily()
        .then((r) => this.o.onRun?.(r))
        .catch((e) => this.o.onError?.('Daglig oppfølgingskjøring feilet', e))
        .finally(() => {
          this.running = null;
        });
    }
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
