// The object's member only logs the client: nothing releases it, so the
// call leaves the leak in the caller (semantics §4, v2 §6).
import { Pool } from 'pg';
const pool = new Pool();

const api = {
  trace(client) {
    console.log('client', client.processID);
  },
};

export async function countUsers() {
  const client = await pool.connect();
  try {
    return await client.query('SELECT count(*) FROM users');
  } finally {
    api.trace(client);
  }
}
