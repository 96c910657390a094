// expect: leak line 5 kind never-released
import { pool } from './db.js';
import { prep } from './helpers.js';
async function f() {
  const c = await pool.connect();
  await prep(c);
}
