// a discarded top-level checkout is still a leak
// expect: leak line 5 kind discarded
import { Pool } from 'pg';
const pool = new Pool();
await pool.connect();
export async function q(sql) {
  return pool.query(sql);
}
