// a top-level let assigned at the top level, read by an export
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
let client;
client = await pool.connect();
export function q(s) {
  return client.query(s);
}
