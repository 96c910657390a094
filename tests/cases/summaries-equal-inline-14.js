// returning the helper's result hands the same client over (once the call is made)
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
const tap = (c) => c;
async function f() {
  const c = await pool.connect();
  try {
    return tap(c);
  } catch (e) {
    c.release();
    throw e;
  }
}
