// captured only by a function nobody outside can call
// expect: leak line 5 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
const client = await pool.connect();
async function q(sql) {
  return client.query(sql);
}
