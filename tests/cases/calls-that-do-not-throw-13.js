// a parameter named console may throw
// expect: leak line 6 kind release-not-guaranteed via exception exit 7
import { Pool } from 'pg';
const pool = new Pool();
async function f(console) {
  const c = await pool.connect();
  console.log('x');
  c.release();
}
