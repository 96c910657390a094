// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(k) {
  const c = await pool.connect();
  switch (k) {
  case 1:
  case 2:
    c.release();
    break;
  default:
    c.release();
  }
}
