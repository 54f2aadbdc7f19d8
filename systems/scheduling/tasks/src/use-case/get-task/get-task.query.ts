/** One task from the read model; with `minVersion`, wait until the projection has reached it. */
export class GetTaskQuery {
  constructor(
    readonly taskId: string,
    readonly actorId: string,
    readonly minVersion?: number,
  ) {}
}
