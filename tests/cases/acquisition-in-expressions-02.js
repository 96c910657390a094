// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(held) {
  const c = held || await pool.connect();
  try {
    return await c.query('x');
  } finally {
    if (!held) c.release();
  }
}
