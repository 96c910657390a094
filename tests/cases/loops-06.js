// labelled break out of two loops through a finally
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(a) {
  outer: for (const x of a) {
    for (const y of x) {
      const c = await pool.connect();
      try {
        if (y) break outer;
      } finally {
        c.release();
      }
    }
  }
}
