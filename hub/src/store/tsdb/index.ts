export { RemoteWriteError } from './remote-write.js';
export { type TsdbOptions, withTsdb } from './store.js';
export { type TsdbEndpoints, TsdbUrlError, tsdbEndpoints } from './url.js';
