// expect: leak line 6 kind release-not-guaranteed via exception
import { Pool } from 'pg';
const pool = new Pool();
const { Math } = require('./m');
async function f() {
  const c = await pool.connect();
  const m = Math.max(1, 2);
  try {
    await c.query('x', [m]);
  } finally {
    c.release();
  }
}
