// handed over on one path only
// expect: leak line 6 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
async function f(x, list) {
  const c = await pool.connect();
  if (x) list.push(c);
}
