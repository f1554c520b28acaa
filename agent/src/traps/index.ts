export { type DropReason, type PendingDrops, TrapLimiter, type TrapLimits } from './limiter.js';
export {
  startTrapReceiver,
  TrapListenError,
  type TrapReceiver,
  type TrapReceiverOptions,
} from './receiver.js';
export { toTrapEvent, v1TrapOid } from './translate.js';
