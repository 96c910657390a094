// an inner `const c` is another variable
// expect: leak line 6 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
async function f(other) {
  const c = await pool.connect();
  await c.query('x');
  {
    const c = other;
    c.release();
  }
}
