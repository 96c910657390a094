// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(x) {
  let c;
  c = x ?? await pool.connect();
  try {
    return await c.query('x');
  } finally {
    if (x == null) c.release();
  }
}
