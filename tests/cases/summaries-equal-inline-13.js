// expect: leak line 6 kind release-not-guaranteed via exception exit 10
import { Pool } from 'pg';
const pool = new Pool();
const tap = (c) => c;
async function f() {
  const c = await pool.connect();
  try {
    await tap(c).query('x');
  } finally {
    tap(c).release();
  }
}
