// expect: leak line 5 kind release-not-guaranteed via end
import { Pool } from 'pg';
const pool = new Pool();
async function f(x) {
  const c = await pool.connect();
  x ?? c.release();
}
