import { PollingJob, type PollingJobOptions } from '@archipelago/platform-service';
import type { ICommand } from '@nestjs/cqrs';
import type { CommandBus } from '@nestjs/cqrs';

/**
 * Base of the delivery jobs (e-mail, push): every `pollMs`, one delivery round — the command
 * `roundAt(now)` makes. Due rows are claimed with FOR UPDATE SKIP LOCKED, so every replica may run it.
 */
export abstract class DeliveryRoundJob extends PollingJob<number> {
  protected constructor(
    private readonly commands: CommandBus,
    options: PollingJobOptions,
    private readonly roundAt: (now: string) => ICommand,
  ) {
    super(options);
  }

  runOnce(): Promise<number> {
    return this.commands.execute(this.roundAt(new Date().toISOString()));
  }
}
