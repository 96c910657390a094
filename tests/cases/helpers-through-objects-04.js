// expect: leak line 5 kind never-released
import * as h from './helpers.js';
import { pool } from './db.js';
async function f() {
  const c = await pool.connect();
  await h.prep(c);
}
