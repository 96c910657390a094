// an unknown member is still a hand-over
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
const api = {};
async function f() {
  const c = await pool.connect();
  api.store(c);
}
