// not a pg pool, and no use as a client
// expect: clean
import { pool } from './notpool.js';
async function f() {
  await pool.connect();
}
