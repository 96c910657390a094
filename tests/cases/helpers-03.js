// expect: leak line 8 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
function put(c, x) {
  if (x) c.release();
}
async function f(x) {
  const c = await pool.connect();
  put(c, x);
}
