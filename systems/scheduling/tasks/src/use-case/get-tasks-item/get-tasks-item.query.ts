/** Read one TasksItem by id, from its event stream (always up to date). */
export class GetTasksItemQuery {
  constructor(readonly itemId: string) {}
}
