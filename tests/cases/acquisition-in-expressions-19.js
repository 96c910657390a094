// no release at all; a discarded one in an expression statement
// expect: leak line 6 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
async function f(held) {
  const c = held || await pool.connect();
  return c.query('x');
}
