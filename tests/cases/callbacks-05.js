// a throw while building the arguments happens before the callback exists
// expect: leak line 6 kind release-not-guaranteed via exception exit 7
import { Pool } from 'pg';
const pool = new Pool();
async function f(v) {
  const c = await pool.connect();
  c.query('x', [v.get()], (e) => {
    c.release();
  });
}
