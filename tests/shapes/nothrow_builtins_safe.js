import { Pool } from 'pg';
const pool = new Pool();

export async function stamp(rows) {
  const client = await pool.connect();
  const at = new Date(Date.now());
  const keys = Object.keys(rows).length + String(rows.length);
  const n = Math.min(Number(rows.length), 10);
  const ok = Array.isArray(rows) && Boolean(n);
  const onError = (err) => console.error(err);
  client.on('error', onError);
  try {
    return await client.query('INSERT INTO t VALUES ($1, $2, $3)', [at, keys, ok]);
  } finally {
    client.off('error', onError);
    client.release();
  }
}
