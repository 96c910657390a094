// expect: leak line 6 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
async function f(a) {
  outer: for (const x of a) {
    const c = await pool.connect();
    for (const y of x) {
      if (y) break outer;
    }
    c.release();
  }
}
