// a module-level client read by an exported function is the module's
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
const client = await pool.connect();
export async function q(sql) {
  return client.query(sql);
}
