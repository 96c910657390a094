// expect: clean
import * as h from './helpers.js';
import { pool } from './db.js';
async function f() {
  const c = await pool.connect();
  h.done(c);
}
