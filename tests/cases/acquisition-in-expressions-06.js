// nesting, parentheses, a member as the guard, the await around the whole expression
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(a1, a2) {
  const c = a1 ? a1 : (a2 || await pool.connect());
  try {
    return await c.query('x');
  } finally {
    if (!a1 && !a2) c.release();
  }
}
