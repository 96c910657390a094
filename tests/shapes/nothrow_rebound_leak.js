import { Pool } from 'pg';
import Math from './fixed-point';
const pool = new Pool();

export async function total(rows) {
  const client = await pool.connect();
  const sum = Math.max(rows.length, 1);
  try {
    return await client.query('SELECT $1', [sum]);
  } finally {
    client.release();
  }
}
