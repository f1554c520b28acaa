export {
  type Clock,
  nextDue,
  phaseOf,
  type ScheduledTarget,
  Scheduler,
  type SchedulerOptions,
  systemClock,
} from './scheduler.js';
