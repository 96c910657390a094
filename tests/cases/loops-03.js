// continue skips the release
// expect: leak line 7 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
async function f(xs) {
  for (let i = 0; i < xs.length; i++) {
    const c = await pool.connect();
    if (xs[i]) continue;
    c.release();
  }
}
