// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  // pgleak-ignore-next-line
  await pool.connect();
}
