// recursion between helpers terminates
// expect: leak line 8
import { Pool } from 'pg';
const pool = new Pool();
function a(c) { return b(c); }
function b(c) { return a(c); }
async function f() {
  const c = await pool.connect();
  a(c);
}
