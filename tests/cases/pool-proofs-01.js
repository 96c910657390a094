// expect: leak line 4 kind discarded
import { pool } from './db.js';
async function f() {
  await pool.connect();
}
