// The same shape with the release under the wrong test: the client checked
// out when no transaction was given is never released.
import { Pool } from 'pg';
const pool = new Pool();

export async function insertUser(user, tx) {
  const client = tx ?? await pool.connect();
  try {
    return await client.query('INSERT INTO users (name) VALUES ($1)', [user.name]);
  } finally {
    if (tx) client.release();
  }
}
