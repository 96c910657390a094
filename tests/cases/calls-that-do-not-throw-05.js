// a rebound Math / Date is not the built-in
// expect: leak line 7 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
const Math = require('./math');
async function f() {
  const c = await pool.connect();
  const m = Math.max(1, 2);
  try {
    await c.query('x', [m]);
  } finally {
    c.release();
  }
}
