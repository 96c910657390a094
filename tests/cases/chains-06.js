// a client-side chain inside an async function
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  return c.query('x').finally(c.release);
}
