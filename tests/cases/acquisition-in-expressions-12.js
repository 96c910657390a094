// expect: leak line 6 kind never-released via return exit 8
import { Pool } from 'pg';
const pool = new Pool();
async function f(x) {
  let c;
  c = x ?? await pool.connect();
  try {
    return await c.query('x');
  } finally {
    if (x != null) c.release();
  }
}
