// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  await pool.connect(); // pgleak-ignore
}
