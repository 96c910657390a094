// expect: leak line 5 kind release-not-guaranteed via return exit 11
import { Pool } from 'pg';
const pool = new Pool();
async function f(k) {
  const c = await pool.connect();
  switch (k) {
  case 1:
    c.release();
    return 1;
  case 2:
    return 2;
  default:
    c.release();
  }
}
