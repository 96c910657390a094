// expect: leak line 5 kind never-released via return exit 7
import { Pool } from 'pg';
const pool = new Pool();
async function f(held) {
  const c = held || await pool.connect();
  try {
    return await c.query('x');
  } finally {
    if (held) c.release();
  }
}
