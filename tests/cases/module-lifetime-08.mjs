// stored into an outer variable by an exported init: a hand-over
// expect: clean
import { Pool } from 'pg';
const pool = new Pool();
let client;
export async function init() {
  client = await pool.connect();
}
export function q(s) {
  return client.query(s);
}
