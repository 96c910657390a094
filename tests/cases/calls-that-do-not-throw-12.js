// console does not throw
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  console.log('x');
  c.release();
}
