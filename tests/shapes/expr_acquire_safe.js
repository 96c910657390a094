// A checkout inside an expression (semantics v2 §1): the caller's client is
// used when given, else one is checked out and released under the same test.
import { Pool } from 'pg';
const pool = new Pool();

export async function insertUser(user, tx) {
  const client = tx || await pool.connect();
  try {
    return await client.query('INSERT INTO users (name) VALUES ($1)', [user.name]);
  } finally {
    if (!tx) client.release();
  }
}

export async function runIn(opts, sql) {
  const client = opts.client ? opts.client : await pool.connect();
  try {
    return await client.query(sql);
  } finally {
    if (!opts.client) client.release();
  }
}
