// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(other) {
  const c = await pool.connect();
  const done = (c) => c.release();
  try {
    await c.query('x');
  } finally {
    done(c);
  }
}
