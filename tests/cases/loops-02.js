// release after the loop covers the last iteration only
// expect: leak line 8 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
async function f(xs) {
  let c;
  for (const x of xs) {
    c = await pool.connect();
  }
  if (c) c.release();
}
