// expect: leak line 6 kind release-not-guaranteed
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  while (more()) {
    const c = await pool.connect();
    if (x) break;
    c.release();
  }
}
