// expect: leak line 5 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const { query, release: done } = await pool.connect();
  await query('x');
  done();
}
