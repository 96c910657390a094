// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  do {
    const c = await pool.connect();
    c.release();
  } while (more());
}
