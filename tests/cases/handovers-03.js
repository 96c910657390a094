// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(o) {
  const c = await pool.connect();
  o.client = c;
}
