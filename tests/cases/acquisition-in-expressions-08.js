// an unconditional release is safe on both branches
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(held) {
  const c = held || await pool.connect();
  try {
    return await c.query('x');
  } finally {
    c.release();
  }
}
