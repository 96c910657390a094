import { Pool } from 'pg';
const pool = new Pool();

export async function stamp(rows) {
  const client = await pool.connect();
  const at = new Date(Date.now());
  const body = JSON.stringify(rows);
  try {
    return await client.query('INSERT INTO t VALUES ($1, $2)', [at, body]);
  } finally {
    client.release();
  }
}
