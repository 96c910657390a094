// a built-in is the global only where no declaration binds its name
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
function g(Math) {
  return Math;
}
async function f() {
  const c = await pool.connect();
  const n = Math.max(1, 2);
  c.release();
  return n;
}
