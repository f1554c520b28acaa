// Transitional: the SQLite handle for the callers not yet moved to repositories. Removed when the last goes.
export type { Db } from './sqlite/connection.js';
export { migrate, openDatabase } from './sqlite/database.js';
