/** Read one CalendarItem by id, from its event stream (always up to date). */
export class GetCalendarItemQuery {
  constructor(readonly itemId: string) {}
}
