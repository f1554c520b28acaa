// `npm start`: the all-in-one mode (hub + a local agent enrolled into a site named after this host).
import { startAllInOne } from './all-in-one.js';
import { exitOnStartError, stopOnSignal } from './lifecycle.js';

try {
  const running = await startAllInOne();
  stopOnSignal(() => running.close({ signalled: true }));
} catch (err) {
  exitOnStartError(err, 'npm start');
}
