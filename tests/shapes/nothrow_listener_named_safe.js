import { Pool } from 'pg';
const pool = new Pool();

function onError(err) {
  console.error(err);
}

export async function load(id) {
  const client = await pool.connect();
  client.once('error', onError);
  try {
    return await client.query('SELECT $1', [id]);
  } finally {
    client.removeListener('error', onError);
    client.release();
  }
}
