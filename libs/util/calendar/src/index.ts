export * from './local-time.js';
export * from './recurrence.js';
export * from './reminders.js';
export * from './icalendar.js';
