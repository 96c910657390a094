// expect: leak line 6 kind discarded
import { Pool } from 'pg';
const pool = new Pool();
async function f() {
  const s = 'ÿþ';
  await pool.connect();
}
