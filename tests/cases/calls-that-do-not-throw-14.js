// a parameter named setTimeout may throw
// expect: leak line 6 kind release-not-guaranteed via exception exit 7
import { Pool } from 'pg';
const pool = new Pool();
async function f(setTimeout) {
  const c = await pool.connect();
  setTimeout(() => {}, 1);
  c.release();
}
