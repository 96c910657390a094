// ESM with top-level await: one client for the module's lifetime, used by
// the exported functions (a hand-over to the module, semantics v2 §8).
import { Pool } from 'pg';

const pool = new Pool();
const client = await pool.connect();

export async function listUsers() {
  const { rows } = await client.query('SELECT * FROM users');
  return rows;
}

export async function close() {
  client.release();
  await pool.end();
}
