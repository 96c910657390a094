// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
async function f(list) {
  const c = await pool.connect();
  list.push(c);
}
