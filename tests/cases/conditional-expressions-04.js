// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(x) {
  const c = await pool.connect();
  x ? c.release() : c.release();
}
