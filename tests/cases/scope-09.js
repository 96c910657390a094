// a catch parameter named like the client is the error
// expect: leak line 6 kind release-not-guaranteed via throw exit 11
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const c = await pool.connect();
  try {
    await c.query('x');
  } catch (c) {
    c.release();
    throw c;
  }
  c.release();
}
