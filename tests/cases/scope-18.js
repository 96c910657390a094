// expect: leak line 5 kind release-not-guaranteed via exception exit 6
import { Pool } from 'pg';
const pool = new Pool();
async function f(Math) {
  const c = await pool.connect();
  const n = Math.max(1, 2);
  c.release();
  return n;
}
