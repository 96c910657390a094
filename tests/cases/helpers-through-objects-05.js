// expect: leak line 5 kind never-released
import h from './objhelpers';
import { pool } from './db.js';
async function f() {
  const c = await pool.connect();
  h.keep(c);
}
