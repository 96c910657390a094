// a module-level client no export reads is a leak
// expect: leak line 5 kind never-released
import { Pool } from 'pg';
const pool = new Pool();
const client = await pool.connect();
export async function q(sql) {
  return pool.query(sql);
}
