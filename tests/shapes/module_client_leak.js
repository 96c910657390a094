// A top-level checkout that no exported function uses: nobody gives it back.
import { Pool } from 'pg';

const pool = new Pool();
const client = await pool.connect();
await client.query('SET search_path TO app');

export async function listUsers() {
  const { rows } = await pool.query('SELECT * FROM users');
  return rows;
}
